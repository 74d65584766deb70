"""{{ cookiecutter._country_name }}'s law for this helpline: a stub to fill in.

No jurisdiction plugin for {{ cookiecutter._country }} was installed when this deployment was
made, so this file starts one. Until it maps the taxonomy, the deployment's tests report
the gaps as a warning, and staff see no country-specific legal options.

For each taxonomy code below, add the provisions that apply, each with:
  - the Act, the version of its text (its numbering), the section, title and a summary;
  - the source URL where the text can be read, and a confidence mark (C, S or U);
  - reviewed_on: the day someone checked the text against that source — leave it empty
    (shown as unverified) until someone has;
or mark the code NoSpecificProvision(note="what to do instead") when the law has nothing.
When it is complete, consider publishing it as a package (helplinekit new-plugin --kind law).
"""

from helplinekit import hookimpl
from helplinekit.contracts import Jurisdiction

KEY = "{{ cookiecutter._jurisdiction }}"
COUNTRY = "{{ cookiecutter._country }}"
NAME = {{ cookiecutter._country_name | tojson }}

# Taxonomy codes to map (code: meaning):
{%- for code, title in cookiecutter._taxonomy %}
#   {{ code }}: {{ title }}
{%- endfor %}
MAPPINGS: dict = {}
PROVISIONS: tuple = ()

DISCLAIMER = (
    "This is general information, not legal advice. The legal options for this country have "
    "not been written yet; ask a lawyer in the country."
)


@hookimpl
def register_jurisdictions(register):
    register(
        Jurisdiction(
            key=KEY,
            name=NAME,
            country=COUNTRY,
            disclaimer=DISCLAIMER,
            provisions=PROVISIONS,
            mappings=MAPPINGS,
        )
    )
