# evaluate.mk: `make evaluate` (reports/evaluate.sh: kick the tires, the
# claims this host can measure, the table of every host) and `make
# artifact` (tools/artifact.sh: the reproducible tarball), included by the
# Makefile.

.PHONY: evaluate artifact

evaluate:
	$(Q)reports/evaluate.sh

# The tarball of the commit, its recorded results and the paper, built
# from HEAD; the paper is made first.
ARTIFACT_DIR ?= $(BUILD)/artifact

artifact: paper
	$(Q)tools/artifact.sh $(PAPER_PDF) $(ARTIFACT_DIR)
