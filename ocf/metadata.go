package ocf

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"time"
)

// MetaData is the meta-data document. The XML stays inside what both ra-api-1.dtd (ocf-tester) and
// metadata.rng (resource-agents, pcs) accept: types string/integer/boolean,
// no select, no deprecated or reloadable attributes, actions from the DTD's
// list, roles Promoted/Unpromoted.
type MetaData struct {
	XMLName   xml.Name     `xml:"resource-agent"`
	Name      string       `xml:"name,attr"`
	Version   string       `xml:"version,attr"`
	VersionEl string       `xml:"version"`
	Longdesc  MetaDesc     `xml:"longdesc"`
	Shortdesc MetaDesc     `xml:"shortdesc"`
	Params    []MetaParam  `xml:"parameters>parameter"`
	Actions   []MetaAction `xml:"actions>action"`
}

// MetaDesc is a longdesc or shortdesc.
type MetaDesc struct {
	Lang string `xml:"lang,attr"`
	Text string `xml:",chardata"`
}

// MetaParam is one parameter of the meta-data.
type MetaParam struct {
	Name      string      `xml:"name,attr"`
	Unique    string      `xml:"unique,attr"`
	Required  string      `xml:"required,attr"`
	Longdesc  MetaDesc    `xml:"longdesc"`
	Shortdesc MetaDesc    `xml:"shortdesc"`
	Content   MetaContent `xml:"content"`
}

// MetaContent is a parameter's type and default.
type MetaContent struct {
	Type    string  `xml:"type,attr"`
	Default *string `xml:"default,attr"`
}

// MetaAction is one action of the meta-data.
type MetaAction struct {
	Name     string `xml:"name,attr"`
	Depth    string `xml:"depth,attr,omitempty"`
	Timeout  string `xml:"timeout,attr"`
	Interval string `xml:"interval,attr,omitempty"`
	Role     string `xml:"role,attr,omitempty"`
}

// OCFVersion is the version of the OCF API the meta-data speaks.
const OCFVersion = "1.1"

// MetaData renders the agent's meta-data XML, DOCTYPE included.
func (a *Agent) MetaData() []byte {
	x := MetaData{
		Name: a.Name, Version: Version, VersionEl: OCFVersion,
		Longdesc:  MetaDesc{"en", a.Longdesc},
		Shortdesc: MetaDesc{"en", a.Shortdesc},
	}
	for i := range a.Params {
		p := &a.Params[i]
		x.Params = append(x.Params, metaParamOf(p.Name, p.Unique, p.Required, p.Shortdesc, p.longdesc(), p.Type.xml(), p.Default))
		if p.Alias != "" {
			sd := "Deprecated: use " + p.Name
			x.Params = append(x.Params, metaParamOf(p.Alias, false, false, sd, sd+". Read only when "+p.Name+" is not set.", p.Type.xml(), ""))
		}
	}
	for _, op := range a.allActions() {
		if op.Undeclared {
			continue
		}
		o := MetaAction{Name: op.Name, Timeout: seconds(op.Timeout), Role: op.Role}
		if op.Interval > 0 {
			o.Interval = seconds(op.Interval)
		}
		if op.Depth > 0 || (op.Name == "monitor" && op.Interval > 0) {
			o.Depth = strconv.Itoa(op.Depth)
		}
		x.Actions = append(x.Actions, o)
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">` + "\n")
	enc := xml.NewEncoder(&b)
	enc.Indent("", "  ")
	if err := enc.Encode(x); err != nil {
		// Only reachable through a programming error in the declarations.
		panic(fmt.Sprintf("meta-data of %s: %v", a.Name, err))
	}
	b.WriteString("\n")
	return b.Bytes()
}

func metaParamOf(name string, unique, required bool, short, long, typ, def string) MetaParam {
	p := MetaParam{
		Name: name, Unique: bit(unique), Required: bit(required),
		Longdesc: MetaDesc{"en", long}, Shortdesc: MetaDesc{"en", short},
		Content: MetaContent{Type: typ},
	}
	if def != "" {
		p.Content.Default = &def
	}
	return p
}

func bit(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func seconds(d time.Duration) string {
	if d%time.Second != 0 {
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "s"
}

// ParseMetaData reads a meta-data document (any agent's, not only ocfkit's),
// for tools that render it: man pages, README tables.
func ParseMetaData(b []byte) (*MetaData, error) {
	var m MetaData
	dec := xml.NewDecoder(bytes.NewReader(b))
	dec.Strict = false // shell agents' meta-data is not always well formed
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("meta-data: %w", err)
	}
	return &m, nil
}
