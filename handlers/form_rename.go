package handlers

// renameForm is the Rename page's form.
type renameForm struct{ nameForm }

// Validate says what the console can tell is wrong before asking the share service.
func (f renameForm) Validate() fieldErrors {
	errs := fieldErrors{}
	if f.trimmed() == "" {
		errs.add("name", "Give it a name.")
	}
	return errs
}
