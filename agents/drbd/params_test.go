package main

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/ocfkit/ocfkit/ocf"
)

// Every parameter the code reads is declared, with a field of its type.
func TestParamsMatchDeclaration(t *testing.T) {
	require.NoError(t, ocf.CheckParams(agent, params{}))
}
