package fence

import (
	"fmt"
	"io"
	"sort"
	"strings"
)

// entry is one <parameter> of the metadata: an option under its name, or
// under its old name (deprecated).
type entry struct {
	name string
	opt  Option
	old  bool
}

// writeMetadata prints the metadata XML byte for byte as fencing.py's
// metadata() does: parameters sorted by (order, name), an option with an
// old name listed twice (the new one with obsoletes=, the old one
// deprecated), the on action with automatic="0", the others bare.
func writeMetadata(w io.Writer, a *Agent, opts []Option) error {
	var b strings.Builder
	b.WriteString("<?xml version=\"1.0\" ?>\n")
	fmt.Fprintf(&b, "<resource-agent name=\"%s\" shortdesc=\"%s\" >\n", attr(a.Name), attr(a.Shortdesc))
	fmt.Fprintf(&b, "<longdesc>%s</longdesc>\n", text(a.Longdesc))
	fmt.Fprintf(&b, "<vendor-url>%s</vendor-url>\n", text(a.VendorURL))
	b.WriteString("<parameters>\n")
	var es []entry
	for _, o := range opts {
		es = append(es, entry{name: o.Name, opt: o})
		if o.Alias != "" {
			es = append(es, entry{name: o.Alias, opt: o, old: true})
		}
	}
	sort.SliceStable(es, func(i, j int) bool {
		if es[i].opt.Order != es[j].opt.Order {
			return es[i].opt.Order < es[j].opt.Order
		}
		return es[i].name < es[j].name
	})
	for _, e := range es {
		o := e.opt
		info := ""
		switch {
		case e.old:
			info = ` deprecated="1"`
		case o.Alias != "":
			info = fmt.Sprintf(` obsoletes="%s"`, attr(o.Alias))
		}
		req := "0"
		if o.Required {
			req = "1"
		}
		fmt.Fprintf(&b, "\t<parameter name=\"%s\" unique=\"0\" required=\"%s\"%s>\n", attr(e.name), req, info)
		fmt.Fprintf(&b, "\t\t<getopt mixed=\"%s\" />\n", attr(o.mixed()))
		def := ""
		if o.Default != "" {
			def = fmt.Sprintf("default=\"%s\" ", attr(o.Default))
		}
		switch {
		case o.Type == "select":
			fmt.Fprintf(&b, "\t\t<content type=\"select\" %s >\n", def)
			for _, c := range o.Choices {
				fmt.Fprintf(&b, "\t\t\t<option value=\"%s\" />\n", attr(c))
			}
			b.WriteString("\t\t</content>\n")
		default:
			fmt.Fprintf(&b, "\t\t<content type=\"%s\" %s />\n", o.Type, def)
		}
		fmt.Fprintf(&b, "\t\t<shortdesc lang=\"en\">%s</shortdesc>\n", text(o.Shortdesc))
		b.WriteString("\t</parameter>\n")
	}
	b.WriteString("</parameters>\n<actions>\n")
	b.WriteString("\t<action name=\"on\" automatic=\"0\"/>\n")
	for _, ac := range Actions[1:] {
		fmt.Fprintf(&b, "\t<action name=\"%s\" />\n", ac)
	}
	b.WriteString("</actions>\n</resource-agent>\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// attr escapes an attribute value as fencing.py's _encode_html_entities.
func attr(s string) string {
	return strings.NewReplacer("&", "&amp;", `"`, "&quot;", "<", "&lt;", ">", "&gt;", "'", "&apos;").Replace(s)
}

// text escapes element content (fencing.py leaves it raw; ours has no
// markup, but an & or < would break the XML).
func text(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// writeUsage prints --help as fencing.py's usage(): options by order,
// "   -o, --action=[action]" padded to 31 columns, then the text.
func writeUsage(w io.Writer, a *Agent, opts []Option) {
	fmt.Fprintf(w, "Usage:\n\t%s [options]\nOptions:\n", a.Name)
	sorted := append([]Option(nil), opts...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Order < sorted[j].Order })
	for _, o := range sorted {
		desc := o.Shortdesc
		if o.Name == "action" {
			desc = "Action: on, off, reboot (default), status, list, list-status, monitor, metadata, manpage or validate-all"
		}
		fmt.Fprintf(w, "   %-30s %s\n", o.mixed(), desc)
	}
}
