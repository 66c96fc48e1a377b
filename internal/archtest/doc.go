// Package archtest has no code: its test enforces the dependency rules of
// the project's layout (format packages know nothing of devices or the
// CLI; device code knows nothing of the CLI; the stand-ins for standard
// library packages depend on nothing but the standard library).
package archtest
