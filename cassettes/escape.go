package cassettes

import "github.com/llmvcr/llmvcr/internal/secrets"

// views returns v and the texts it decodes to (see secrets.Views): a scan
// that looks at every view finds a secret however it was escaped.
func views(v string) []string { return secrets.Views(v) }
