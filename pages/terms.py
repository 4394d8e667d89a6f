"""Glossary: SII, RII, confidence intervals, 95% and 99.8%, polarity, recent trend, proportionate
universalism, wards and ward sets, in plain words."""

from het.ui.glossary import show_glossary

show_glossary()
