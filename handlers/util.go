package handlers

import (
	"errors"

	"github.com/sharedesk/sharedesk/api"
)

func asAPIError(err error, target **api.Error) bool { return err != nil && errors.As(err, target) }
