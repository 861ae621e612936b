from cchc_docgen.cli import main

main(prog_name="docgen")
