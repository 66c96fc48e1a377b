// Package archtest has no code: its test enforces the dependency rules of
// the project's layout (format packages know nothing of devices or the
// CLI; device code knows nothing of the CLI).
package archtest
