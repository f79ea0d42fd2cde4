package share

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
)

type cursorBody struct {
	Bucket  string `json:"b"`
	OrderBy string `json:"o"`
	Desc    bool   `json:"d"`
	Filter  string `json:"f"`
	Value   any    `json:"v"`
	ID      string `json:"i"`
}

func filterDigest(conds []Cond) string {
	b, _ := json.Marshal(conds)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}

// encodeCursor returns an opaque, signed cursor that continues q after p.
func (k *Keys) encodeCursor(q ListQuery, p Position) string {
	body, _ := json.Marshal(cursorBody{
		Bucket: q.BucketID, OrderBy: q.OrderBy, Desc: q.Desc, Filter: filterDigest(q.Conds), Value: p.Value, ID: p.ID,
	})
	payload := base64.RawURLEncoding.EncodeToString(body)
	return payload + "." + k.mac(k.cursor, payload)
}

// decodeCursor checks a cursor's signature and that it belongs to the same query (bucket, filter and
// order): a cursor from another listing would silently skip or repeat rows.
func (k *Keys) decodeCursor(q ListQuery, kind FieldKind, s string) (*Position, error) {
	bad := Invalid("BadFormat", "/last", "invalid or tampered cursor: pass back result.last unchanged")
	payload, sig, ok := strings.Cut(s, ".")
	if !ok || !k.validMAC(k.cursor, payload, sig) {
		return nil, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, bad
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.UseNumber()
	var c cursorBody
	if err := dec.Decode(&c); err != nil {
		return nil, bad
	}
	if c.Bucket != q.BucketID || c.OrderBy != q.OrderBy || c.Desc != q.Desc || c.Filter != filterDigest(q.Conds) {
		return nil, Invalid("BadState", "/last", "this cursor belongs to a listing with another filter or order")
	}
	p := &Position{ID: c.ID}
	switch kind {
	case KindNumber, KindTime:
		n, ok := c.Value.(json.Number)
		if !ok {
			return nil, bad
		}
		i, err := n.Int64()
		if err != nil {
			return nil, bad
		}
		p.Value = i
	default:
		s, ok := c.Value.(string)
		if !ok {
			return nil, bad
		}
		p.Value = s
	}
	return p, nil
}
