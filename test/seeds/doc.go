// Package seeds builds the stacks of the seeds (the hand-made clusters
// ocfkit replaces, see ../shared/seeds) for the tests that run them under
// a real Pacemaker: the single-node end-to-end test (test/e2e), the
// recovery benchmark (test/bench), the demo (test/demo) and the two-node
// cluster (test/multinode). Each stack is built once here, so the four
// run the same configuration.
package seeds
