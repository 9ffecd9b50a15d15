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

// MetaData renders the agent's meta-data XML, DOCTYPE included. It is
// written out by hand rather than with xml.Marshal: the marshaller costs
// every agent binary 86 KB, which apache's 8 MB budget cannot spare. The
// types above still describe the document, for ParseMetaData.
func (a *Agent) MetaData() []byte {
	var b bytes.Buffer
	b.WriteString(xml.Header)
	b.WriteString(`<!DOCTYPE resource-agent SYSTEM "ra-api-1.dtd">` + "\n")
	fmt.Fprintf(&b, "<resource-agent name=%s version=%s>\n", attr(a.Name), attr(Version))
	fmt.Fprintf(&b, "  <version>%s</version>\n", OCFVersion)
	desc(&b, "  ", "longdesc", a.Longdesc)
	desc(&b, "  ", "shortdesc", a.Shortdesc)
	b.WriteString("  <parameters>\n")
	for i := range a.Params {
		p := &a.Params[i]
		param(&b, p.Name, p.Unique, p.Required, p.Shortdesc, p.longdesc(), p.Type.xml(), p.Default)
		if p.Alias != "" {
			sd := "Deprecated: use " + p.Name
			param(&b, p.Alias, false, false, sd, sd+". Read only when "+p.Name+" is not set.", p.Type.xml(), "")
		}
	}
	b.WriteString("  </parameters>\n  <actions>\n")
	for _, op := range a.allActions() {
		if op.Undeclared {
			continue
		}
		fmt.Fprintf(&b, "    <action name=%s", attr(op.Name))
		if op.Depth > 0 || (op.Name == "monitor" && op.Interval > 0) {
			fmt.Fprintf(&b, " depth=\"%d\"", op.Depth)
		}
		fmt.Fprintf(&b, " timeout=\"%s\"", seconds(op.Timeout))
		if op.Interval > 0 {
			fmt.Fprintf(&b, " interval=\"%s\"", seconds(op.Interval))
		}
		if op.Role != "" {
			fmt.Fprintf(&b, " role=%s", attr(op.Role))
		}
		b.WriteString("/>\n")
	}
	b.WriteString("  </actions>\n</resource-agent>\n")
	return b.Bytes()
}

func param(b *bytes.Buffer, name string, unique, required bool, short, long, typ, def string) {
	fmt.Fprintf(b, "    <parameter name=%s unique=\"%s\" required=\"%s\">\n", attr(name), bit(unique), bit(required))
	desc(b, "      ", "longdesc", long)
	desc(b, "      ", "shortdesc", short)
	fmt.Fprintf(b, "      <content type=%s", attr(typ))
	if def != "" {
		fmt.Fprintf(b, " default=%s", attr(def))
	}
	b.WriteString("/>\n    </parameter>\n")
}

func desc(b *bytes.Buffer, indent, tag, text string) {
	fmt.Fprintf(b, "%s<%s lang=\"en\">", indent, tag)
	xml.EscapeText(b, []byte(text))
	fmt.Fprintf(b, "</%s>\n", tag)
}

// attr is a quoted, escaped attribute value.
func attr(v string) string {
	var b bytes.Buffer
	b.WriteByte('"')
	xml.EscapeText(&b, []byte(v))
	b.WriteByte('"')
	return b.String()
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
