"""What the three processes (Rasa with bot/, the action server in actions/, the directory in directory/)
must agree on, defined once: the languages (`languages`), the needs (`needs`) and the rules that scrub
an example phrasing (`scrub`). Standard library and PyYAML only, which all three have; nothing here
imports from bot/, actions/ or directory/. The directory runs with directory/ as its working
directory: its settings put the project root on sys.path so that `import contracts` works there too."""
