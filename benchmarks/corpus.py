"""Text shaped like real position papers, made fast and reproducibly from a seed.

Paragraphs of sentences over a vocabulary with English-like word frequencies (a few function
words very common, thousands of content words rare), some headings and lists. Each block's HTML
is what the app's Markdown renderer gives for it (a test holds the two to the same output), so a
seeded revision stores the same `body_html` a saved one would, without rendering 100,000 times.
"""

import random
from itertools import accumulate

_FUNCTION = (
    "the of and to a in for is that on with as by be are this we it from at or an not our "
    "their which should will can more have has all its these who must would also where those "
    "been than into when only each such other any but so were they there"
)
FUNCTION_WORDS = _FUNCTION.split(" ")
_SYLLABLE_TEXT = (
    "ba be bi bo bu ca co cu da de di do fa fe fi fo ga ge go ha he hi ho la le li lo lu ma me "
    "mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su ta te ti to tu va ve "
    "vi vo wa we wi ya yo za"
)
_SYLLABLES = _SYLLABLE_TEXT.split(" ")
_ENDINGS = ["", "", "", "s", "ing", "ed", "tion", "ment", "al", "ity", "er", "ly"]


def _vocabulary(size: int = 4000) -> tuple[list[str], list[float]]:
    rng = random.Random(20240601)
    words: list[str] = list(FUNCTION_WORDS)
    seen = set(words)
    while len(words) < size:
        word = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 4)))
        word += rng.choice(_ENDINGS)
        if word not in seen:
            seen.add(word)
            words.append(word)
    # Zipf's law: the word of rank r is about 1/r as common as the commonest.
    weights = [1 / (rank + 1) for rank in range(len(words))]
    return words, list(accumulate(weights))


WORDS, _CUMULATIVE = _vocabulary()


def words(rng: random.Random, n: int) -> list[str]:
    return rng.choices(WORDS, cum_weights=_CUMULATIVE, k=n)


def sentence(rng: random.Random, n: int) -> str:
    chosen = words(rng, n)
    if n > 8:
        comma = rng.randrange(3, n - 3)
        chosen[comma] += ","
    return chosen[0].capitalize() + " " + " ".join(chosen[1:]) + "."


def paragraph(rng: random.Random, n_words: int) -> str:
    parts, left = [], n_words
    while left > 0:
        n = min(left, rng.randint(8, 24))
        parts.append(sentence(rng, n))
        left -= n
    return " ".join(parts)


def heading(rng: random.Random) -> str:
    return "## " + " ".join(words(rng, rng.randint(2, 5))).capitalize()


def bullet_list(rng: random.Random) -> str:
    return "\n".join("- " + sentence(rng, rng.randint(4, 12)) for _ in range(rng.randint(2, 5)))


def block_html(block: str) -> str:
    """The rendered HTML of one block: the renderer's output for it, built directly."""
    if block.startswith("## "):
        return f"<h2>{block[3:]}</h2>"
    if block.startswith("- "):
        items = "\n".join(f"<li>{line[2:]}</li>" for line in block.split("\n"))
        return f"<ul>\n{items}\n</ul>"
    return f"<p>{block}</p>"


def document(rng: random.Random, n_words: int) -> list[str]:
    """Blocks (paragraphs, some headings and lists) of about n_words words in all."""
    blocks: list[str] = []
    count = 0
    while count < n_words:
        roll = rng.random()
        if roll < 0.07 and blocks:
            blocks.append(heading(rng))
        elif roll < 0.12:
            blocks.append(bullet_list(rng))
            count += blocks[-1].count(" ")
        else:
            n = min(n_words - count, rng.randint(30, 140)) or 1
            blocks.append(paragraph(rng, max(n, 5)))
            count += max(n, 5)
    return tidy(blocks)


def tidy(blocks: list[str]) -> list[str]:
    """Two lists side by side would render as one loose list: join them into one list block."""
    out: list[str] = []
    for block in blocks:
        if out and block.startswith("- ") and out[-1].startswith("- "):
            out[-1] += "\n" + block
        else:
            out.append(block)
    return out


def body(blocks: list[str]) -> str:
    return "\n\n".join(blocks)


def body_html(blocks: list[str], cache: dict[str, str] | None = None) -> str:
    if cache is None:
        return "\n".join(block_html(b) for b in blocks)
    out = []
    for block in blocks:
        html = cache.get(block)
        if html is None:
            html = cache[block] = block_html(block)
        out.append(html)
    return "\n".join(out)


def edit_words(rng: random.Random, block: str, edits: int) -> str:
    """A block with a few words replaced, inserted or deleted (never its Markdown markers)."""
    if block.startswith(("## ", "- ")):
        return block + " " + " ".join(words(rng, 2))
    tokens = block.split(" ")
    for _ in range(edits):
        i = rng.randrange(1, len(tokens)) if len(tokens) > 1 else 0
        roll = rng.random()
        if roll < 0.6 or len(tokens) < 4:
            tokens[i] = words(rng, 1)[0] + ("." if tokens[i].endswith(".") else "")
        elif roll < 0.8:
            tokens.insert(i, words(rng, 1)[0])
        elif not tokens[i].endswith("."):
            del tokens[i]
    return " ".join(tokens)


def scattered_edits(rng: random.Random, blocks: list[str], edits: int) -> list[str]:
    """The same document with a few words changed here and there."""
    out = list(blocks)
    for _ in range(edits):
        i = rng.randrange(len(out))
        out[i] = edit_words(rng, out[i], 1)
    return out


def heavy_rewrite(rng: random.Random, blocks: list[str]) -> list[str]:
    """Most paragraphs reworded, some dropped, replaced or added, a few left alone."""
    out = []
    for block in blocks:
        roll = rng.random()
        if roll < 0.08:
            continue
        if roll < 0.18:
            out.append(paragraph(rng, rng.randint(30, 120)))
        elif roll < 0.9:
            out.append(edit_words(rng, block, max(2, block.count(" ") // 8)))
        else:
            out.append(block)
        if rng.random() < 0.05:
            out.append(paragraph(rng, rng.randint(30, 120)))
    return tidy(out) or [paragraph(rng, rng.randint(30, 120))]


def search_words() -> str:
    """Two content words of middling frequency, as someone searching might type them."""
    words, _ = _vocabulary()
    return f"{words[len(FUNCTION_WORDS) + 40]} {words[len(FUNCTION_WORDS) + 200]}"
