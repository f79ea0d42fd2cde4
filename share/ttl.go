package share

import (
	"context"
	"fmt"
	"regexp"
	"strconv"
	"time"
)

// expiryStore keeps when files expire and finds those that have.
type expiryStore interface {
	// SetObjectExpiry writes o's FileTTLEffective, FileTTLFrom and ExpiresAt only.
	SetObjectExpiry(ctx context.Context, o Object) error
	// ExpiredObjects returns up to limit files whose ExpiresAt is at or before now (Micros).
	ExpiredObjects(ctx context.Context, now int64, limit int) ([]Object, error)
}

// MaxFileTTL is the longest file_ttl accepted: long enough for any retention rule, short enough that
// now + ttl never overflows.
const MaxFileTTL = 100 * 365 * 24 * time.Hour

var ttlPart = regexp.MustCompile(`([0-9]+)([smhdw])`)
var ttlWhole = regexp.MustCompile(`^([0-9]+[smhdw])+$`)

// ParseFileTTL parses a file_ttl such as "30d", "12h", "1w" or "1d12h" (units s, m, h, d, w). "" is
// no TTL. The result is at least a minute and at most MaxFileTTL.
func ParseFileTTL(s, source string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	bad := Invalid(
		"BadFormat",
		source,
		`must be a duration such as "30d", "12h", "1w" or "1d12h" (units s, m, h, d, w), from 1 minute to 100 years`,
	)
	if !ttlWhole.MatchString(s) {
		return 0, bad
	}
	units := map[string]time.Duration{
		"s": time.Second,
		"m": time.Minute,
		"h": time.Hour,
		"d": 24 * time.Hour,
		"w": 7 * 24 * time.Hour,
	}
	var total time.Duration
	for _, m := range ttlPart.FindAllStringSubmatch(s, -1) {
		n, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || n > int64(MaxFileTTL/units[m[2]]) {
			return 0, bad
		}
		total += time.Duration(n) * units[m[2]]
		if total > MaxFileTTL {
			return 0, bad
		}
	}
	if total < time.Minute {
		return 0, bad
	}
	return total, nil
}

// ttlSetting is the file_ttl that applies somewhere: the setting and the object it comes from.
type ttlSetting struct{ ttl, from string }

// inheritedTTL returns the setting of the nearest folder at or above folderID that has one.
func (s *Service) inheritedTTL(ctx context.Context, bucketID, folderID string) (ttlSetting, error) {
	for cur, depth := folderID, 0; cur != "" && depth < 1000; depth++ {
		f, err := s.store.Object(ctx, bucketID, cur)
		if err != nil {
			return ttlSetting{}, fmt.Errorf("file_ttl of folder %s: %w", cur, err)
		}
		if f.FileTTL != "" {
			return ttlSetting{f.FileTTL, f.ID}, nil
		}
		cur = f.ParentID
	}
	return ttlSetting{}, nil
}

// setExpiry applies setting to file o from now on: the clock of a file starts when a setting starts to
// apply to it (its upload, a change of the setting, or a move into another folder).
func setExpiry(o *Object, setting ttlSetting, now time.Time) {
	o.FileTTLEffective, o.FileTTLFrom, o.ExpiresAt = setting.ttl, setting.from, time.Time{}
	if d, err := ParseFileTTL(setting.ttl, ""); err == nil && d > 0 {
		o.ExpiresAt = now.Add(d)
	}
}

// applyFileTTL fills in which file_ttl applies to o and, for a file, when it expires.
func (s *Service) applyFileTTL(ctx context.Context, o *Object, now time.Time) error {
	setting := ttlSetting{o.FileTTL, o.ID}
	if o.FileTTL == "" {
		var err error
		if setting, err = s.inheritedTTL(ctx, o.BucketID, o.ParentID); err != nil {
			return err
		}
	}
	if o.Type != TypeFile {
		// A folder never expires; it shows the setting that reaches the files put inside it.
		o.FileTTLEffective, o.FileTTLFrom, o.ExpiresAt = setting.ttl, setting.from, time.Time{}
		return nil
	}
	setExpiry(o, setting, now)
	return nil
}

// reapplyFileTTL brings the files under folder f in line with the settings above them after f's
// setting or place changed. Files with their own setting keep it.
func (s *Service) reapplyFileTTL(ctx context.Context, f Object, now time.Time) error {
	all, err := s.descendants(ctx, f)
	if err != nil {
		return err
	}
	settings := map[string]ttlSetting{f.ID: {f.FileTTLEffective, f.FileTTLFrom}}
	for _, x := range all[1:] {
		setting := settings[x.ParentID]
		if x.FileTTL != "" {
			setting = ttlSetting{x.FileTTL, x.ID}
		}
		settings[x.ID] = setting
		if setting.ttl == x.FileTTLEffective && setting.from == x.FileTTLFrom {
			continue
		}
		if x.Type == TypeFile {
			setExpiry(&x, setting, now)
		} else {
			x.FileTTLEffective, x.FileTTLFrom = setting.ttl, setting.from
		}
		if err := s.store.SetObjectExpiry(ctx, x); err != nil {
			return err
		}
	}
	return nil
}

// ExpiredObjects returns up to limit files whose file_ttl ran out at or before now, longest expired
// first. The retention sweeper deletes each with DeleteObject.
func (s *Service) ExpiredObjects(ctx context.Context, now time.Time, limit int) ([]Object, error) {
	return s.store.ExpiredObjects(ctx, Micros(now), limit)
}
