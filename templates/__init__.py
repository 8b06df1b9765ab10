"""The default Jinja templates, shipped inside sopbook as ``generator.templates``.

A knowledge base overrides one by putting a file of the same name in its own ``templates/`` folder.
"""
