from qrules.cli import main

main()
