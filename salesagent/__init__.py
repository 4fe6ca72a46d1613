"""The roof: resource wiring (`salesagent.wiring`) and the command line (`salesagent.cli`). Nothing below imports it."""
