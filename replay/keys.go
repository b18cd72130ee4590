package replay

import (
	"fmt"
	"os"
	"strings"

	"github.com/llmvcr/llmvcr/internal/secrets"
)

// keyEnvs are the environment variables of the common LLM providers' API
// keys (secrets.ProviderKeyEnvs, which cassettes' DefaultSecretEnv
// includes). Recording over the network accepts any of them (or one named
// by WithSecretEnv), and the value of every one that is set is scrubbed
// from the cassette.
var keyEnvs = secrets.ProviderKeyEnvs()

// keySet reports whether any key variable the session accepts is set.
func (c *config) keySet() bool {
	for _, e := range append(append([]string{}, keyEnvs...), c.secretEnvs...) {
		if os.Getenv(e) != "" {
			return true
		}
	}
	return false
}

// keyNames names, for messages, the key variables the session is
// configured with: those given with WithSecretEnv, else the common
// providers' list.
func (c *config) keyNames() string {
	if len(c.secretEnvs) > 0 {
		return strings.Join(c.secretEnvs, " or ")
	}
	return "your provider's API key (" + strings.Join(keyEnvs[:7], ", ") + ", ...)"
}

// keyAssign is the start of a command line that sets the key: the
// session's own variable when WithSecretEnv named one, else a
// placeholder that keyHelp explains.
func (c *config) keyAssign() string {
	if len(c.secretEnvs) > 0 {
		return c.secretEnvs[0] + "=..."
	}
	return "<KEY_VAR>=..."
}

// recordCommand is the command that re-records the named test.
func (c *config) recordCommand(name string) string {
	return fmt.Sprintf("%s go test %s -run '%s' -record", c.keyAssign(), packageDir(), runPattern(name))
}

// keyHelp explains keyAssign's variable, for the end of a message.
func (c *config) keyHelp() string {
	if len(c.secretEnvs) > 0 {
		return fmt.Sprintf("(%s: the key variable given to replay.WithSecretEnv)", strings.Join(c.secretEnvs, ", "))
	}
	return fmt.Sprintf("(<KEY_VAR>: the variable your client reads its API key from: %s; another name goes to replay.WithSecretEnv)", strings.Join(keyEnvs, ", "))
}

// missingKey is the message for a recording session with no key set.
func (c *config) missingKey(path string) string {
	names := append(append([]string{}, c.secretEnvs...), keyEnvs...)
	return fmt.Sprintf("replay: recording needs an API key in the environment, and none of %s is set: set the one your client reads, or name it with replay.WithSecretEnv (its value is scrubbed from the cassette), or record canned answers from a fake with replay.WithFakeTransport(fakes.NewGroq(t, fakes.WithDefaultAnswers()).Transport()), or from a local server with replay.WithUpstream(productionURL, localURL); %s was not recorded", strings.Join(names, ", "), path)
}
