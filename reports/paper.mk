# paper.mk: `make paper`, included by the Makefile. A chain of files, so
# that only what is stale is remade:
#
#   experiments/fig*.lua  --runner run (reports/measure.sh)-->  stamps, results
#   results + recorded results + reports/paper.lua  --runner report-->  $(PAPER_GEN)/
#       macros.tex claims.tex bytes.tex listings.tex artifact.tex *.gp
#       (a file is rewritten only when its text changes)
#   *.gp  --gnuplot (reports/render.sh)-->  *.tex + *.pdf (cairolatex)
#   paper/paper.tex + all that  --latexmk-->  $(PAPER_PDF)
#
# A script is measured again only when its text changes, never because the
# runner was rebuilt. The runner is built with $(JOBS) jobs; the rest runs
# one step at a time, so that no two scripts are measured at once. PROFILE=quick (default) writes scratch results under
# $(BUILD)/results/quick/<host tag>/; PROFILE=full runs the article's
# protocol into results/<host tag>/, the recorded results. Experiments whose
# backend this host lacks (the GPU ones, marked optional) are skipped by the
# runner, and the report reads their recorded results instead.
# PAPER_BUILD, PAPER_PDF and PAPER_SCRATCH move the outputs (the tests use
# that to leave the user's build alone).

PROFILE        ?= quick
PAPER_BUILD    ?= $(BUILD)/paper
PAPER_PDF      ?= paper/paper.pdf
PAPER_SCRATCH  ?= $(BUILD)/results
PAPER_RECORDED ?= results
PAPER_SCRIPTS  ?= $(sort $(wildcard experiments/fig*.lua))
PAPER_GEN       = $(PAPER_BUILD)/gen

# This host's folder under results/: FLOPBENCH_HOST, else the hostname,
# with only [A-Za-z0-9._-] kept (as `runner host-tag` prints it).
HOST_TAG ?= $(shell h="$${FLOPBENCH_HOST:-$$(hostname)}"; \
              printf '%s' "$${h:-unknown}" | tr -c 'A-Za-z0-9._-' '_' | sed 's/^[.-]/_/')

ifeq ($(PROFILE),full)
PAPER_RESULTS ?= $(PAPER_RECORDED)/$(HOST_TAG)
PAPER_STAMPS   = $(PAPER_BUILD)/stamps/full/$(HOST_TAG)
else
PAPER_RESULTS ?= $(PAPER_SCRATCH)/$(PROFILE)/$(HOST_TAG)
PAPER_STAMPS   = $(PAPER_RESULTS)/.stamps
endif

PAPER_MEASURED = $(PAPER_SCRIPTS:experiments/%.lua=$(PAPER_STAMPS)/%.done)
PAPER_INPUTS   = $(wildcard $(PAPER_RECORDED)/*/*/summary.csv $(PAPER_RECORDED)/*/*/provenance.csv \
                            $(PAPER_RESULTS)/*/summary.csv)
PAPER_TEXINPUTS = $(abspath $(PAPER_GEN)):$(abspath paper):

.PHONY: paper paper-host-tag

paper-host-tag:
	@echo '$(HOST_TAG)'

paper:
	$(Q)tools/deps.sh paper
	$(Q)$(MAKE) --no-print-directory -j$(JOBS) $(BUILD)/runner
	$(Q)$(MAKE) --no-print-directory -j1 $(PAPER_PDF)
	@printf '  %-6s %s\n' PDF $(PAPER_PDF)

# One stamp a script: measured (or found current) for this profile and host.
$(PAPER_STAMPS)/%.done: experiments/%.lua | $(BUILD)/runner
	@mkdir -p $(@D)
	$(call say,RUN,$<)reports/measure.sh $(BUILD)/runner $< $(PROFILE) $(PAPER_RESULTS)
	@touch $@

$(PAPER_GEN)/.done: reports/paper.lua $(PAPER_SCRIPTS) $(PAPER_MEASURED) $(PAPER_INPUTS) \
                    $(wildcard lua/report*.lua) lua/catalogue.lua | $(BUILD)/runner
	@mkdir -p $(PAPER_GEN)
	$(call say,REPORT,$(PAPER_GEN))$(BUILD)/runner report reports/paper.lua --out $(PAPER_GEN) \
	  --profile $(PROFILE) --results $(PAPER_RESULTS) --recorded $(PAPER_RECORDED) \
	  --tag $(HOST_TAG) $(PAPER_SCRIPTS)
	@touch $@

# latexmk on paper/$(1).tex into $(PAPER_BUILD)/latex; on failure, its errors.
paper_latex = mkdir -p $(PAPER_BUILD)/latex && \
	  if ! TEXINPUTS=$(PAPER_TEXINPUTS) latexmk -pdf -interaction=nonstopmode -halt-on-error \
	      -outdir=$(abspath $(PAPER_BUILD)/latex) paper/$(1).tex >$(PAPER_BUILD)/latexmk-$(1).log 2>&1; then \
	    grep -A3 '^!' $(PAPER_BUILD)/latex/$(1).log >&2 || tail -20 $(PAPER_BUILD)/latexmk-$(1).log >&2; \
	    echo "paper: LaTeX failed; see $(PAPER_BUILD)/latex/$(1).log" >&2; exit 1; \
	  fi

# gnuplot for the figures whose script changed, then latexmk (which reruns
# LaTeX only if an input's content changed).
$(PAPER_PDF): paper/paper.tex paper/flopbench.sty $(PAPER_GEN)/.done reports/render.sh
	$(Q)reports/render.sh $(PAPER_GEN)
	$(call say,LATEX,paper/paper.tex)$(call paper_latex,paper)
	$(Q)mkdir -p $(dir $(PAPER_PDF)) && cp $(PAPER_BUILD)/latex/paper.pdf $(PAPER_PDF).tmp && \
	  mv $(PAPER_PDF).tmp $(PAPER_PDF)

# The README's figure: Figure 2 alone (paper/figure2.tex), as a PNG.
docs/figure2.png: paper/figure2.tex paper/flopbench.sty $(PAPER_GEN)/.done reports/render.sh
	$(Q)reports/render.sh $(PAPER_GEN)
	$(call say,LATEX,paper/figure2.tex)$(call paper_latex,figure2)
	$(call say,PNG,$@)mkdir -p docs && \
	  pdftoppm -png -r 180 -singlefile $(PAPER_BUILD)/latex/figure2.pdf $(PAPER_BUILD)/figure2 && \
	  mv $(PAPER_BUILD)/figure2.png $@
