"""Pieces of run specs (lib's RunSpec JSON) that the end-to-end tests share: a one-layer model of an 8-letter text."""

TINY_MODEL = {"vocabSize": 8, "contextLength": 16, "layers": 1, "dModel": 16, "heads": 2, "kvHeads": 2, "mlp": "GELU",
              "norm": "LAYER_NORM", "positions": "LEARNED", "tiedEmbeddings": True, "dropout": 0.0, "experts": 0,
              "expertsPerToken": 0}


def text_data(path):
    """Batches of 4 rows × 16 characters of the UTF-8 file `path`, a tenth held out."""
    return {"kind": "text", "path": str(path), "rows": 4, "contextLength": 16, "validationFraction": 0.1,
            "alphabetSize": 0, "order": 0, "concentration": 0, "languageSeed": 0, "characters": 0, "textSeed": 0,
            "seed": 0}
