"""The web process loads the site and offers the model choice without importing torch (only
the worker that generates loads a model)."""

import subprocess
import sys


def test_the_site_and_its_model_choice_import_no_torch():
    code = (
        "import sys, django; django.setup(); "
        "import coach.config.asgi, coach.config.urls, coach.routines.tasks, coach.videos.tasks; "
        "from coach.routines.forms import GenerateForm; "
        "assert GenerateForm().fields['architecture'].choices; "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
