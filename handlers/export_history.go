package handlers

import (
	"context"
	"log/slog"
	"strconv"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
)

// exportHistory handles GET /links/:id/history.csv: every event of a link (live or revoked), oldest
// first. It names recipients' network addresses, so it is for those who may act on the link: helpdesk
// and admins for any link, sharers for the links they created.
func (c *Console) exportHistory(ec *echo.Context) error {
	id := ec.Param("id")
	ctx := ec.Request().Context()
	ok, err := c.mayHandle(ec, id)
	if err != nil {
		return err
	}
	if !ok {
		logDetail(ec, slog.String("refused", "not the creator of "+id))
		return errForbidden
	}
	// The events endpoint answers an unknown id with no events: say "not found" instead of an empty file.
	if err := c.linkKnown(ctx, id); err != nil {
		return err
	}
	// The first page before anything is written, so a refusal is still an error page.
	page, err := c.api.LinkEvents(ctx, api.LinkEventsRequest{ID: id, Size: 1000})
	if err != nil {
		return err
	}
	w := csvAttachment(ec, "sharedesk-history-"+id+".csv")
	_ = w.Write([]string{"time", "event", "description", "by", "client_address", "method", "file", "detail",
		"outcome"})
	rows := 0
	for {
		c.withCreator(ctx, id, page.Events)
		for _, ev := range page.Events {
			_ = w.Write(historyRecord(ev))
			rows++
		}
		if page.Last == "" {
			break
		}
		// Streamed page by page: a long history never sits in memory whole.
		w.Flush()
		if page, err = c.api.LinkEvents(ctx, api.LinkEventsRequest{ID: id, Size: 1000, Last: page.Last}); err != nil {
			// The answer has begun; the file ends here and the log says why.
			c.log.ErrorContext(ctx, "history export cut short", "link", id, "rows", rows, "err", err)
			c.audit(ec, "export-history", id, strconv.Itoa(rows)+" rows, cut short", "failed")
			w.Flush()
			return nil
		}
	}
	w.Flush()
	c.audit(ec, "export-history", id, strconv.Itoa(rows)+" rows", "ok")
	return w.Error()
}

// linkKnown is nil when link id is live or revoked within the retention period, else its "not found".
func (c *Console) linkKnown(ctx context.Context, id string) error {
	_, err := c.api.LinkGet(ctx, api.LinkGetRequest{ID: id})
	if api.IsStatus(err, "NotFound") {
		_, err = c.api.RevokedGet(ctx, api.RevokedGetRequest{ID: id})
	}
	return err
}

// historyRecord is event ev as a line of the history export.
func historyRecord(ev api.LinkEvent) []string {
	return []string{
		ev.At.UTC().Format(time.RFC3339Nano),
		cell(ev.Type),
		cell(describeEvent(ev)),
		cell(ev.Actor),
		cell(ev.Client),
		cell(ev.Method),
		cell(ev.ObjectName),
		cell(ev.Detail),
		cell(ev.Outcome),
	}
}
