package fakemodel

import "github.com/llmvcr/llmvcr/llm"

// LastParams returns the parameters of TestModel's last request, for the
// package's own tests.
func (m *TestModel) LastParams() *llm.RequestParams {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.lastParams
}
