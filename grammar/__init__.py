"""The nncert grammar (installed as the data package `checker.grammar`)."""
