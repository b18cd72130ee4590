// Package readme holds the tests that keep README.md true to the code:
// every Go snippet in it compiles against the module, every name of the
// module's packages its prose quotes in backquotes (`replay.New`,
// `groq.Settings.Stop`) is declared, and its package map names every
// package outside internal/ and nothing that does not exist. It has no
// code of its own.
//
// A ```go fenced block (indented ones in list items included) is compiled
// in one of two ways:
//
//   - A block whose first token is a package clause is a complete file and
//     is compiled as it is, as the only file of a package of its own.
//   - Any other block is a fragment: statements, as they would appear in a
//     test. It is compiled as the body of a function whose parameters are
//     the variables it uses without declaring them, from a fixed list
//     (t *testing.T, ctx context.Context, msgs []llm.Message,
//     resp *llm.Response, params openai.ChatCompletionNewParams), and its
//     imports are added from a fixed table of package names: the standard
//     library packages the README uses and this module's public packages
//     by their last path element. Variables it declares may go unused.
//
// A block that uses openai-go (package names openai and option) is built
// in the examples/clients module, which requires it; the rest in this
// module. The files are laid over the module tree with go build -overlay,
// so nothing is written into the tree, and built offline (GOPROXY=off,
// -mod=readonly): a compile error is reported at its README line.
//
// To use a new package or a new undeclared variable in a README snippet,
// add it to the tables in readme_test.go.
package readme
