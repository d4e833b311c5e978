from qualcode.cli.app import run

run()
