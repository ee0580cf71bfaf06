from aula.cli.main import run

run()
