from cchc_docgen.cli import main

main()
