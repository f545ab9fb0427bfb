from iaclint.cli import program

program()
