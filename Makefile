# Two commands do all set-up: `make run` and `make test`. See README.md.
PYTHON ?= python3
SUITE = $(PYTHON) tools/suite.py

.PHONY: run stop test bench lint shell
run:     ## create/reuse the credit_demo database and serve Odoo on http://localhost:8069
	$(SUITE) run
stop:    ## stop Odoo and the private PostgreSQL started by `make run`
	$(SUITE) stop
test:    ## fresh throw-away database, all six modules, every test; last line "N passed, N failed"
	$(SUITE) test
bench:   ## engine, dispute, collection-export and segmentation benchmarks on a throw-away database
	$(SUITE) bench
lint:    ## ruff + pylint-odoo (OCA mandatory checks)
	$(SUITE) lint
shell:   ## odoo shell on credit_demo
	$(SUITE) shell
