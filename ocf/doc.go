// Package ocf is the Open Cluster Framework protocol and nothing else: exit
// codes, parameter declarations, meta-data, action dispatch, the environment
// Pacemaker passes, the action deadline, logging like ocf_log, node
// attributes and the state directory. It knows no cloud, mount or netlink.
//
// An agent is one declaration, its parameters decoded once into a struct,
// and a Resource that turns them into the value every action receives:
//
//	type params struct {
//		State string `ocf:"state"` // checked against the declaration by CheckParams
//	}
//
//	var kind = &ocf.Resource[*resource]{Load: load, LoadForStop: loadForStop}
//
//	var agent = &ocf.Agent{
//		Name:      "Dummy",
//		Shortdesc: "Example",
//		Params: []ocf.Param{
//			{Name: "state", Required: true, Unique: true, Identity: true, Shortdesc: "...", Longdesc: "..."},
//		},
//		Resource: kind,
//		Actions: []ocf.Action{
//			{Name: "start", Timeout: 20 * time.Second, Run: kind.Do(start)},
//			{Name: "stop", Timeout: 20 * time.Second, Run: kind.Do(stop)},
//			{Name: "monitor", Timeout: 20 * time.Second, Interval: 10 * time.Second, Run: kind.Do(monitor)},
//		},
//	}
//
//	func main() { agent.Main() }
//
// with load(ctx, e) (*resource, error) calling e.Decode(&r.p), and
// start(ctx, e, r *resource) error. Each agent folder follows one
// template: main.go (the declaration), params.go (the Param list and the
// params struct), resource.go (resource, load, loadForStop), a file per
// action, state.go (what it keeps in the state directory, through
// StateFile).
//
// Everything else is derived from the declaration: OCF_RESKEY_<name> and
// --<name> flags, type and required checks, meta-data XML (valid for
// ra-api-1.dtd and metadata.rng), meta-data and validate-all actions,
// usage, --help and --version.
//
// The runtime keeps the two rules a cluster's safety rests on (see
// Resource): stop and demote get LoadForStop, which never fails; a
// monitor whose Load fails looks at the system with LoadForStop's
// resource, and says 7 only when that look shows nothing runs. A declared
// check that fails is a warning and the default, unless the parameter is
// an Identity or Strict; a malformed OCF environment is a warning and the
// default (the declared timeout, interval 0, depth 0).
//
// validate-all runs the declared checks and Load and nothing else; a Load
// that checks more for validate-all looks at e.Action. Agents without a
// Resource may declare Validate instead (the runtime's tests do).
//
// An action returns nil for success, Exit(code) for a result that is not an
// error (NotRunning, RunningPromoted), or Errorf(code, ...) for a failure with
// a reason, which is printed as "ocf-exit-reason:<reason>" and logged. Any
// other error is ErrGeneric with its text as the reason. The context carries
// the deadline derived from OCF_RESKEY_CRM_meta_timeout: give it to every
// call that can block.
package ocf
