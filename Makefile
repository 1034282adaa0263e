.PHONY: demo test setup

demo:  ## Run the app with demo data at http://127.0.0.1:8000
	bash scripts/demo

test:  ## Install test dependencies and run the whole suite
	bash scripts/test

setup:
	bash scripts/setup test
