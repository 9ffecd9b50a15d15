// Package ocf is the Open Cluster Framework protocol and nothing else: exit
// codes, parameter declarations, meta-data, action dispatch, the environment
// Pacemaker passes, the action deadline, logging like ocf_log, node
// attributes and the state directory. It knows no cloud, mount or netlink.
//
// An agent is one declaration:
//
//	var agent = &ocf.Agent{
//		Name:      "Dummy",
//		Shortdesc: "Example",
//		Params: []ocf.Param{
//			{Name: "state", Type: ocf.String, Required: true, Unique: true, Shortdesc: "...", Longdesc: "..."},
//		},
//		Validate: validate, // optional, runs before every action but meta-data
//		Actions: []ocf.Action{
//			{Name: "start", Timeout: 20 * time.Second, Run: start},
//			{Name: "stop", Timeout: 20 * time.Second, Run: stop},
//			{Name: "monitor", Timeout: 20 * time.Second, Interval: 10 * time.Second, Run: monitor},
//		},
//	}
//
//	func main() { agent.Main() }
//
// Everything else is derived from it: OCF_RESKEY_<name> and --<name> flags,
// type and required checks, meta-data XML (valid for ra-api-1.dtd and
// metadata.rng), meta-data and validate-all actions, usage, --help and
// --version.
//
// validate-all runs the declared checks and Agent.Validate and nothing else;
// an agent whose validate-all checks more than its other actions need looks
// at e.Action == "validate-all" inside Validate.
//
// An action returns nil for success, Exit(code) for a result that is not an
// error (NotRunning, RunningPromoted), or Errorf(code, ...) for a failure with
// a reason, which is printed as "ocf-exit-reason:<reason>" and logged. Any
// other error is ErrGeneric with its text as the reason. The context carries
// the deadline derived from OCF_RESKEY_CRM_meta_timeout: give it to every
// call that can block.
package ocf
