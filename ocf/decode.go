package ocf

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// Decode fills the struct dst points to from the parameters, once, so
// that an agent reads typed fields instead of looking parameters up by
// name. Each field names its parameter in an `ocf` tag:
//
//	type params struct {
//		IP       string `ocf:"ip"`
//		ARPCount int    `ocf:"arp_count"`
//		LVS      bool   `ocf:"lvs_support"`
//		ARPBG    *bool  `ocf:"arp_bg"` // nil when not set
//	}
//
// Field kinds: string, bool, int, and *bool, *int, *string for parameters
// whose absence means something (nil when not set). A bool field tagged
// `ocf:"name,set"` tells whether the parameter was given at all (for a
// parameter with a default, where the value alone cannot tell). The values were
// checked at dispatch: an invalid one reads as its default. A tag that
// names no declared parameter is an error, never a panic; CheckParams
// finds it in the agent's unit tests.
func (e *Env) Decode(dst any) error {
	v := reflect.ValueOf(dst)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fmt.Errorf("ocf: Decode needs a pointer to a struct, not %T", dst)
	}
	v = v.Elem()
	var problems []string
	for i := 0; i < v.NumField(); i++ {
		f := v.Type().Field(i)
		name, isSet := tagOf(f)
		if name == "" {
			continue
		}
		if !e.Agent.declares(name) {
			problems = append(problems, "parameter "+name+" is not declared")
			continue
		}
		if isSet && v.Field(i).Kind() == reflect.Bool {
			v.Field(i).SetBool(e.set[name])
			continue
		}
		if err := setField(v.Field(i), e.values[name], e.set[name]); err != nil {
			problems = append(problems, fmt.Sprintf("parameter %s: %v", name, err))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("ocf: %s: %s", e.Agent.Name, strings.Join(problems, "; "))
	}
	return nil
}

func setField(f reflect.Value, s string, set bool) error {
	if f.Kind() == reflect.Pointer {
		if !set {
			f.Set(reflect.Zero(f.Type()))
			return nil
		}
		p := reflect.New(f.Type().Elem())
		if err := setField(p.Elem(), s, set); err != nil {
			return err
		}
		f.Set(p)
		return nil
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(s)
	case reflect.Bool:
		b, err := ParseBool(s)
		if err != nil {
			return err
		}
		f.SetBool(b)
	case reflect.Int:
		n := 0
		if strings.TrimSpace(s) != "" {
			var err error
			if n, err = strconv.Atoi(strings.TrimSpace(s)); err != nil {
				return fmt.Errorf("%q is not an integer", s)
			}
		}
		f.SetInt(int64(n))
	default:
		return fmt.Errorf("field of kind %s cannot hold a parameter", f.Kind())
	}
	return nil
}

// CheckParams reports any difference between a parameter struct (as Decode
// reads it) and the agent's declaration: a tag that names no parameter, a
// field kind Decode cannot fill, a field whose kind does not suit the
// parameter's type, or a declared parameter without a field (only the
// Unsupported ones may have none, since they are refused, not read). Each
// agent's unit tests call it, so a misspelt name fails there.
func CheckParams(a *Agent, params any) error {
	t := reflect.TypeOf(params)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return fmt.Errorf("%T is not a struct", params)
	}
	var problems []string
	seen := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, isSet := tagOf(f)
		if name == "" {
			continue
		}
		p := a.param(name)
		if p == nil {
			problems = append(problems, fmt.Sprintf("field %s: parameter %q is not declared", f.Name, name))
			continue
		}
		if isSet {
			if f.Type.Kind() != reflect.Bool {
				problems = append(problems, fmt.Sprintf("field %s: a \"set\" field must be a bool", f.Name))
			}
			continue
		}
		seen[name] = true
		k := f.Type.Kind()
		if k == reflect.Pointer {
			k = f.Type.Elem().Kind()
		}
		switch {
		case k != reflect.String && k != reflect.Bool && k != reflect.Int:
			problems = append(problems, fmt.Sprintf("field %s: kind %s cannot hold a parameter", f.Name, k))
		case k == reflect.Bool && p.Type != Boolean && p.Check == nil:
			problems = append(problems, fmt.Sprintf("field %s: parameter %s is not a boolean", f.Name, name))
		case k == reflect.Int && p.Type != Integer:
			problems = append(problems, fmt.Sprintf("field %s: parameter %s is not an integer", f.Name, name))
		}
	}
	for _, p := range a.Params {
		if !seen[p.Name] && p.Unsupported == "" {
			problems = append(problems, fmt.Sprintf("parameter %s has no field", p.Name))
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s: %s", a.Name, strings.Join(problems, "; "))
	}
	return nil
}

// tagOf reads a field's `ocf:"name[,set]"` tag.
func tagOf(f reflect.StructField) (name string, isSet bool) {
	name, opt, _ := strings.Cut(f.Tag.Get("ocf"), ",")
	return name, opt == "set"
}

func (a *Agent) param(name string) *Param {
	for i := range a.Params {
		if a.Params[i].Name == name {
			return &a.Params[i]
		}
	}
	return nil
}

func (a *Agent) declares(name string) bool { return a.param(name) != nil }
