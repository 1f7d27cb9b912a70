"""Writes lib/jixiao/templates/report_template.docx, the Word template report.docx is built on.

Run it after changing the styles in jixiao.report.docx_styles; a firm that restyles the template
in Word (letterhead, fonts, numbering) edits the .docx itself and need not run this again.
"""

from jixiao import paths
from jixiao.report.docx_styles import build_template

TARGET = paths.PACKAGE_DIR / "templates" / "report_template.docx"

if __name__ == "__main__":
    print(build_template(TARGET))
