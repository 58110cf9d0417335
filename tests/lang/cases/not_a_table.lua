experiment "fig2"
