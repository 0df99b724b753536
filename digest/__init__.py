"""The daily lead e-mail per BPJS branch: choosing, rendering, attaching, delivering, recording."""
