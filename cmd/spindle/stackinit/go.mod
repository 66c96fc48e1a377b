module a.invalid/stackinit

go 1.25
