"""The text layer: what every step needs to read text, and nothing about any one step.

- `fold`: case-, quote- and dash-insensitive forms, with a map back to the original
  offsets (`fold_with_index`), and accent-free forms (`plain`, `unaccented`);
- `sentences`: sentence spans that index the text exactly (`split_sentences`);
- `stems`: English Snowball stems through one thread-local stemmer (`stem_words`);
- `words`: word classes that several steps share: titles before names
  (`TITLES_BEFORE_NAMES`, `TITLE_WORDS`) and what happened to a figure (`action_near`,
  `is_fate`, `is_movement`, `stated_in`);
- `groups`: disjoint sets (`UnionFind`) and connected components over blocked pairs
  (`group_linked`), the one implementation every step uses.

This package sits below the steps (mine, structure, ground, merge, narrate): it imports
`schemas` and `lexicon` only, never a step, and the steps import it instead of each other.
"""
