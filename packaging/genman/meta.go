package main

import (
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
)

// Agent is the part of an OCF resource agent's meta-data that a manual page
// shows. Both the OCF 1.0 DTD and the 1.1 schema fit it.
type Agent struct {
	XMLName xml.Name `xml:"resource-agent"`
	Name    string   `xml:"name,attr"`
	Version string   `xml:"version,attr"`
	// ShortdescAttr is where fence agents keep their short description.
	ShortdescAttr string      `xml:"shortdesc,attr"`
	Longdesc      []Desc      `xml:"longdesc"`
	Shortdesc     []Desc      `xml:"shortdesc"`
	Parameters    []Parameter `xml:"parameters>parameter"`
	Actions       []Action    `xml:"actions>action"`
	VendorURL     string      `xml:"vendor-url"` // fence agents only
}

// Desc is a longdesc or shortdesc; agents may carry one per language.
type Desc struct {
	Lang string `xml:"lang,attr"`
	Text string `xml:",chardata"`
}

// Parameter is one instance attribute of the agent.
type Parameter struct {
	Name        string      `xml:"name,attr"`
	Required    string      `xml:"required,attr"`
	Unique      string      `xml:"unique,attr"`
	UniqueGroup string      `xml:"unique-group,attr"`
	Reloadable  string      `xml:"reloadable,attr"`
	Longdesc    []Desc      `xml:"longdesc"`
	Shortdesc   []Desc      `xml:"shortdesc"`
	Content     Content     `xml:"content"`
	Deprecated  *Deprecated `xml:"deprecated"`
	// Fence agents (fence-agents' metadata.rng) have these instead.
	Getopt         *Getopt `xml:"getopt"`
	DeprecatedAttr string  `xml:"deprecated,attr"`
	Obsoletes      string  `xml:"obsoletes,attr"`
}

// Getopt is a fence agent parameter's command-line form: "-o, --action=[action]".
type Getopt struct {
	Mixed string `xml:"mixed,attr"`
}

// Content is a parameter's type, default and, for "select", its choices.
type Content struct {
	Type    string   `xml:"type,attr"`
	Default *string  `xml:"default,attr"`
	Options []Option `xml:"option"`
}

// Option is one allowed value of a "select" parameter (OCF 1.1).
type Option struct {
	Value string `xml:"value,attr"`
}

// Deprecated marks a parameter kept for old configurations (OCF 1.1).
type Deprecated struct {
	ReplacedWith []struct {
		Name string `xml:"name,attr"`
	} `xml:"replaced-with"`
	Desc []Desc `xml:"desc"`
}

// Action is one <action> line: an operation with its advised settings.
type Action struct {
	Name       string `xml:"name,attr"`
	Timeout    string `xml:"timeout,attr"`
	Interval   string `xml:"interval,attr"`
	Depth      string `xml:"depth,attr"`
	Role       string `xml:"role,attr"`
	StartDelay string `xml:"start-delay,attr"`
}

// ParseMetaData reads an agent's meta-data XML and checks that it has what
// a manual page cannot do without.
func ParseMetaData(b []byte) (*Agent, error) {
	var a Agent
	// The DOCTYPE names a DTD on disk; the decoder does not fetch it.
	if err := xml.Unmarshal(b, &a); err != nil {
		return nil, fmt.Errorf("meta-data is not OCF XML: %w", err)
	}
	if a.Name == "" {
		return nil, errors.New("meta-data: <resource-agent> has no name")
	}
	if strings.ContainsAny(a.Name, "/ \t\n") {
		return nil, fmt.Errorf("meta-data: agent name %q is not a file name", a.Name)
	}
	if text(a.Shortdesc) == "" && a.ShortdescAttr == "" {
		return nil, fmt.Errorf("meta-data of %s: no shortdesc", a.Name)
	}
	for i, p := range a.Parameters {
		if p.Name == "" {
			return nil, fmt.Errorf("meta-data of %s: parameter %d has no name", a.Name, i+1)
		}
	}
	for i, ac := range a.Actions {
		if ac.Name == "" {
			return nil, fmt.Errorf("meta-data of %s: action %d has no name", a.Name, i+1)
		}
	}
	return &a, nil
}

// text picks the English description (or the only one) and trims it.
func text(ds []Desc) string {
	for _, d := range ds {
		if d.Lang == "" || d.Lang == "en" || strings.HasPrefix(d.Lang, "en_") || strings.HasPrefix(d.Lang, "en-") {
			return strings.TrimSpace(d.Text)
		}
	}
	if len(ds) > 0 {
		return strings.TrimSpace(ds[0].Text)
	}
	return ""
}

// isSet reads an OCF boolean attribute: "1" in the 1.0 DTD, also "true"/"yes".
func isSet(v string) bool {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// IsFence says whether the meta-data is a fence agent's (fence-agents'
// format: parameters with getopt).
func (a *Agent) IsFence() bool {
	for _, p := range a.Parameters {
		if p.Getopt != nil {
			return true
		}
	}
	return strings.HasPrefix(a.Name, "fence_")
}
