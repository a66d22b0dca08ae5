"""Figures in the page's language, redrawn from the one run of each tutorial.

The tutorials execute once, in the source language's build. The gallery's
scraper (``scrape_and_keep``) saves each figure as WebP, as before, and also
pickles it beside the image (matplotlib figures pickle). Then:

* the words of each figure (titles, axis labels, legends, annotations, text
  inside diagrams, tick labels given as text) are messages of the page's
  catalog: for the gettext build, a ``hidden_messages`` node beside the figure
  carries them, so ``nox -s catalogs`` extracts them like any other message
  and the catalog checks fail an untranslated one like any other;
* each translation's build redraws every figure from its pickle with those
  words translated (the page's catalog, as Sphinx compiled it), in a font
  that has the language's glyphs (Noto Sans CJK SC from PyPI's ``mplfonts``,
  after DejaVu Sans, so Latin text and numbers look as in the source figure),
  into ``images/<language>/``, and makes the landing thumbnail from it as
  sphinx-gallery does; that language's pages and landing page point at them;
* when the translations are built beside the source language
  (``tools/build_site.py``), their process redraws each tutorial's figures as
  soon as that tutorial has run, while the others still run, from the
  catalogs as written (``redraw_finished_tutorials``); the build then finds
  them current. An image is current when it is newer than its pickle and its
  page's ``.po``.

A text is a message when it has a word (``hidden_messages.english_words``):
"max pool" is one, "conv1, ReLU" and "16 × 5 × 5" are not. A glyph that no
font has stops the build. sphinx-gallery has no hook for any of this (it
scrapes once, in one language), hence this extension.
"""

import importlib.util
import pickle
import re
import warnings
from contextlib import contextmanager
from pathlib import Path

from docutils import nodes
from sphinx.errors import ExtensionError
from sphinx.locale import init as init_locale
from sphinx.transforms import SphinxTransform
from sphinx.util.i18n import docname_to_domain

import hidden_messages
from hidden_messages import english_words

FIGURE_NAME = re.compile(r"^sphx_glr_(?P<script>.+)_(?P<number>\d{3})$")
GLYPH_MISSING = re.compile(r"Glyph .* missing from font")
CJK_FONT = "NotoSansCJKsc-Regular.otf"  # mplfonts' Noto Sans CJK SC
PARTIAL = ".part"  # an image being drawn: <name>.part.webp


def message_of(text):
    """A figure text as a catalog message: one line."""
    return " ".join(text.split())


def texts_of(artist):
    """The figure's Text artists, without the tick labels, which the axis redraws from its formatter."""
    from matplotlib.axis import Axis
    from matplotlib.text import Text

    for child in artist.get_children():
        if isinstance(child, Axis):
            yield child.label
        elif isinstance(child, Text):
            yield child
        else:
            yield from texts_of(child)


def fixed_tick_labels(fig):
    """The formatters that hold tick labels given as text (``set_xticks(ticks, labels)``)."""
    from matplotlib.ticker import FixedFormatter

    for ax in fig.axes:
        for axis in ax._axis_map.values():
            for formatter in (axis.get_major_formatter(), axis.get_minor_formatter()):
                if isinstance(formatter, FixedFormatter):
                    yield formatter


def figure_messages(fig):
    """The figure's texts that have words to translate, in drawing order, each once."""
    texts = [text.get_text() for text in texts_of(fig) if text.get_visible()]
    texts += [label for formatter in fixed_tick_labels(fig) for label in formatter.seq]
    messages = [message_of(text) for text in texts if english_words(text)]
    return list(dict.fromkeys(messages))


def translate_figure(fig, translate):
    """Replace each of the figure's words messages with its translation (untranslated ones stay)."""

    def translated(text):
        if not english_words(text):
            return text
        translation = translate(message_of(text))
        return text if translation == message_of(text) else translation

    for text in texts_of(fig):
        text.set_text(translated(text.get_text()))
    for formatter in fixed_tick_labels(fig):
        formatter.seq = [translated(label) for label in formatter.seq]
    return fig


# Each kept figure's words, by its pickle's path and modification time, noted by the process that
# had the figure in hand (drawing it, or redrawing it translated), so that the page's transform
# does not unpickle it again: 11 figures took 0.4-0.7 s of each language's reading.
_words = {}


def note_words(kept, fig):
    _words[(kept.resolve(), kept.stat().st_mtime_ns)] = figure_messages(fig)


def kept_words(kept):
    """The words of the figure pickled at ``kept``, unpickled only if no one noted them."""
    key = (kept.resolve(), kept.stat().st_mtime_ns)
    if key not in _words:
        _words[key] = figure_messages(load_figure(kept))
    return _words[key]


def load_figure(path):
    """The figure pickled at ``path``, on an Agg canvas."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with open(path, "rb") as f:
        fig = pickle.load(f)
    FigureCanvasAgg(fig)
    return fig


def cjk_font():
    """The name of Noto Sans CJK SC, registered with matplotlib on first use."""
    from matplotlib import font_manager

    spec = importlib.util.find_spec("mplfonts")
    if spec is None:
        raise ExtensionError("figure_words needs mplfonts (requirements.txt): run `nox -s docs` to install it")
    font = Path(spec.submodule_search_locations[0]) / "fonts" / CJK_FONT
    name = font_manager.FontProperties(fname=font).get_name()
    if name not in {entry.name for entry in font_manager.fontManager.ttflist}:
        font_manager.fontManager.addfont(str(font))
    return name


def with_cjk_fallback(fig):
    """Each text keeps its font; characters that font lacks come from Noto Sans CJK SC."""
    from matplotlib.text import Text

    cjk = cjk_font()
    for text in fig.findobj(Text):
        families = text.get_fontfamily()
        if cjk not in families:
            text.set_fontfamily([*families, cjk])
    for ax in fig.axes:
        for axis in ax._axis_map.values():
            families = axis.get_ticklabels()[0].get_fontfamily() if axis.get_ticklabels() else ["sans-serif"]
            axis.set_tick_params(which="both", labelfontfamily=[f for f in families if f != cjk] + [cjk])


def draw_checked(fig, where, save=None):
    """Draw ``fig`` (and save it to ``save``) with the CJK fallback; a glyph no font has is an error."""
    from light_images import WEBP

    with_cjk_fallback(fig)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if save is None:
            fig.canvas.draw()
        else:
            fig.savefig(save, facecolor=fig.get_facecolor(), edgecolor=fig.get_edgecolor(), **WEBP)
    missing = [str(w.message) for w in caught if GLYPH_MISSING.search(str(w.message))]
    if missing:
        raise ExtensionError(f"{where}: no font has these characters: {'; '.join(sorted(set(missing)))}")


# -- the source language's run ---------------------------------------------------------------


def scrape_and_keep(block, block_vars, gallery_conf):
    """The gallery's image scraper: light_images' WebP figures, each also pickled beside its image."""
    import matplotlib.pyplot as plt
    from light_images import webp_figures

    figures = [plt.figure(number) for number in plt.get_fignums()]
    paths = block_vars["image_path_iterator"].paths
    first = len(paths)
    rst = webp_figures(block, block_vars, gallery_conf)
    for fig, image in zip(figures, paths[first:]):
        kept = Path(image).with_suffix(".pickle")
        try:
            kept.write_bytes(pickle.dumps(fig))
        except Exception as error:
            raise ExtensionError(
                f"{Path(image).name}: this figure cannot be pickled, so it cannot be redrawn in "
                f"the other languages ({error}); draw it with plain matplotlib artists"
            ) from error
        note_words(kept, fig)
    return rst


def rerun_unkept(app):
    """builder-inited, before sphinx-gallery: a tutorial whose figures were not pickled runs again."""
    conf = app.config.sphinx_gallery_conf
    gallery = Path(app.srcdir, conf["gallery_dirs"])
    for checksum in gallery.glob("*.py.md5"):
        images = list((gallery / "images").glob(f"sphx_glr_{checksum.name[:-len('.py.md5')]}_[0-9][0-9][0-9].*"))
        if any(i.suffix != ".pickle" for i in images) and not any(i.suffix == ".pickle" for i in images):
            checksum.unlink()


# -- each translation's build ----------------------------------------------------------------


def translation_folder(app):
    return Path(app.srcdir, app.config.sphinx_gallery_conf["gallery_dirs"], "images", app.config.language)


def is_translation(config):
    return bool(config.blitz_languages) and config.language != next(iter(config.blitz_languages))


def figures_by_script(gallery):
    """Each tutorial's pickled figures, in order, by script name."""
    by_script = {}
    for kept in sorted((gallery / "images").glob("sphx_glr_*.pickle")):
        match = FIGURE_NAME.match(kept.stem)
        if match and (gallery / f"{match['script']}.py").exists():
            by_script.setdefault(match["script"], []).append(kept)
    return by_script


def page_catalogs(locale_dirs, language, domain):
    """The page's catalogs (the .po files, which Sphinx compiles), one per locale folder, first first."""
    return [Path(d) / language / "LC_MESSAGES" / f"{domain}.po" for d in locale_dirs]


def catalog_changed(locale_dirs, language, domain):
    """When the page's catalog last changed; 0 without one."""
    return max([po.stat().st_mtime for po in page_catalogs(locale_dirs, language, domain) if po.exists()],
               default=0)


@contextmanager
def written_whole(path):
    """The name to write ``path`` under: it becomes ``path`` once written, so that an interrupted
    drawing never looks current (``remove_partial_drawings`` removes one a killed process left)."""
    part = path.with_name(f"{path.stem}{PARTIAL}{path.suffix}")
    try:
        yield part
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    part.replace(path)


def remove_partial_drawings(srcdir, conf, language):
    folder = Path(srcdir, conf["sphinx_gallery_conf"]["gallery_dirs"], "images", language)
    for part in folder.rglob(f"*{PARTIAL}.*"):
        part.unlink()


def redraw_script(gallery, script, kept_figures, folder, translate, catalog_time, thumbnail_size):
    """Draw the tutorial's figures whose translated image is older than its inputs, and its thumbnail."""
    from sphinx_gallery.py_source_parser import split_code_and_text_blocks
    from sphinx_gallery.utils import scale_image

    file_conf, _ = split_code_and_text_blocks(str(gallery / f"{script}.py"))
    thumbnail_number = file_conf.get("thumbnail_number", 1)
    if thumbnail_number < 0:
        thumbnail_number += len(kept_figures) + 1
    for kept in kept_figures:
        image = folder / f"{kept.stem}.webp"
        thumb = folder / "thumb" / f"sphx_glr_{script}_thumb.webp"
        is_thumbnail = int(FIGURE_NAME.match(kept.stem)["number"]) == thumbnail_number
        if image.exists() and image.stat().st_mtime > max(kept.stat().st_mtime, catalog_time) and (
            thumb.exists() or not is_thumbnail
        ):
            continue
        fig = load_figure(kept)
        note_words(kept, fig)
        translate_figure(fig, translate)
        image.parent.mkdir(parents=True, exist_ok=True)
        with written_whole(image) as drawing:
            draw_checked(fig, f"{script}.py, figure {kept.stem[-3:]}", save=drawing)
        if is_thumbnail:
            thumb.parent.mkdir(parents=True, exist_ok=True)
            with written_whole(thumb) as drawing:
                scale_image(image, drawing, *thumbnail_size)


def redraw_translations(app, env, docnames):
    """env-before-read-docs (catalogs compiled): redraw every figure whose image is older than its inputs."""
    if not is_translation(app.config):
        return
    conf = app.config.sphinx_gallery_conf
    gallery_dir = conf["gallery_dirs"]
    gallery = Path(app.srcdir, gallery_dir)
    locale_dirs = [Path(app.srcdir, d) for d in app.config.locale_dirs]
    for script, kept_figures in figures_by_script(gallery).items():
        domain = docname_to_domain(f"{gallery_dir}/{script}", app.config.gettext_compact)
        catalog, _ = init_locale(locale_dirs, app.config.language, domain, "blitz")
        redraw_script(gallery, script, kept_figures, translation_folder(app), catalog.gettext,
                      catalog_changed(locale_dirs, app.config.language, domain), conf["thumbnail_size"])


def redraw_finished_tutorials(srcdir, conf, languages, done):
    """Before a translation's build starts, while the source build still runs tutorials: redraw
    the figures of each tutorial that has finished (its checksum written and current) and is not
    in ``done``, from its catalog as written. Return the scripts dealt with.

    Whatever cannot be done here (a catalog that does not parse, a glyph no font has) is left to
    the build, which redraws what is not current and reports the problem with its file and line.
    """
    import catalog_checks
    from sphinx_gallery.utils import get_md5sum

    gallery_dir = conf["sphinx_gallery_conf"]["gallery_dirs"]
    gallery = Path(srcdir, gallery_dir)
    examples = Path(conf["sphinx_gallery_conf"]["examples_dirs"])
    locale_dirs = [Path(srcdir, d) for d in conf["locale_dirs"]]
    finished = set()
    for script, kept_figures in figures_by_script(gallery).items():
        checksum, source = gallery / f"{script}.py.md5", examples / f"{script}.py"
        if script in done or not (checksum.exists() and source.exists()):
            continue
        if checksum.read_text() != get_md5sum(source, mode="t"):
            continue  # not run yet (an older run's checksum, which the source build deletes)
        finished.add(script)
        domain = docname_to_domain(f"{gallery_dir}/{script}", conf.get("gettext_compact", True))
        for language in languages:
            try:
                messages = [catalog_checks.load(po) for po in page_catalogs(locale_dirs, language, domain)
                            if po.exists()]
                redraw_script(gallery, script, kept_figures, gallery / "images" / language,
                              translator(messages), catalog_changed(locale_dirs, language, domain),
                              conf["sphinx_gallery_conf"]["thumbnail_size"])
            except Exception:  # the build redraws it, and names the problem
                continue
    return finished


def translator(catalogs):
    """``gettext`` over babel catalogs, as Sphinx compiles them: translated, not fuzzy, the first catalog first."""

    def translate(text):
        for catalog in catalogs:
            message = catalog.get(text)
            if message is not None and message.string and not message.fuzzy:
                return message.string
        return text

    return translate


class FigureWords(SphinxTransform):
    """The figures' words become messages of the page (for gettext, and for the status page's
    counts in every build). A translation: its figures and thumbnails are shown."""

    default_priority = 10

    def apply(self):
        from sphinx_gallery.directives import imgsgnode

        config = self.config
        gallery_dir = config.sphinx_gallery_conf["gallery_dirs"]
        for node in list(self.document.findall(imgsgnode)):
            kept = Path(self.env.srcdir, node["uri"].lstrip("/")).with_suffix(".pickle")
            if kept.exists():
                hidden_messages.beside(node, kept_words(kept))
        if self.app.builder.name != "gettext" and is_translation(config):
            folder = f"/{gallery_dir}/images/"
            translated = f"{folder}{config.language}/"
            for node in self.document.findall(lambda n: isinstance(n, (imgsgnode, nodes.image))):
                uri = node.get("uri", "")
                if not uri.startswith(folder) or "/" in uri[len(folder):].removeprefix("thumb/"):
                    continue
                candidate = translated + uri[len(folder):]
                matches = list(Path(self.env.srcdir).glob(candidate.lstrip("/")))
                if not matches:
                    continue  # the tutorials did not run: sphinx-gallery's placeholder
                node["uri"] = candidate
                if node.get("srcset"):
                    node["srcset"] = node["srcset"].replace(uri, candidate)
                for match in matches:
                    self.env.note_dependency(str(match))


def setup(app):
    app.setup_extension("hidden_messages")
    app.setup_extension("sphinx_gallery.gen_gallery")
    app.connect("builder-inited", rerun_unkept, priority=5)  # before sphinx-gallery decides what to run
    app.connect("env-before-read-docs", redraw_translations)
    app.add_transform(FigureWords)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
