from cchc_docgen.command import main

main()
