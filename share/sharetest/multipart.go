package sharetest

import (
	"bytes"
	"mime/multipart"
	"net/textproto"
)

// JSONThenFile is a multipart body the way the Share API's multipart messages are made (a put as the
// SDKs send it, a get's reply as the server writes it): a JSON part named jsonField, then the file part
// fileField holding file under fileName. It returns the body and its content type.
func JSONThenFile(jsonField string, json []byte, fileField, fileName string, file []byte) ([]byte, string) {
	// Writes to a bytes.Buffer cannot fail.
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="`+jsonField+`"`)
	h.Set("Content-Type", "application/json")
	w, _ := mw.CreatePart(h)
	_, _ = w.Write(json)
	fw, _ := mw.CreateFormFile(fileField, fileName)
	_, _ = fw.Write(file)
	_ = mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}
