"""The optional ND4J module as a user loads it: installed from the local build, then %maven in a notebook."""
import pathlib
import subprocess

import pytest

from conftest import execute, results

ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def installed():
    """mvn install of the parent POM and nd4j/ (what nd4j/README.md tells a user to run once)."""
    for args in (["-N"], ["-Pnd4j", "-pl", "nd4j"]):
        proc = subprocess.run(["mvn", "-q", "-B", "-ntp", "-DskipTests", "install", *args], cwd=ROOT,
                              capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]


def test_maven_loads_nd4j_and_arrays_render_fit_and_convert(installed, kernel):
    _, kc = kernel
    reply, messages, _ = execute(kc, "%maven org.assay:assay-nd4j:0.1.0-SNAPSHOT", timeout=300)
    assert reply["status"] == "ok", reply
    printed = "".join(m["content"].get("text", "") for m in messages if m["msg_type"] == "stream")
    assert "Resolved org.assay:assay-nd4j:0.1.0-SNAPSHOT" in printed, printed
    reply, messages, _ = execute(kc, "import org.nd4j.linalg.factory.Nd4j;\nimport org.assay.nd4j.Nd4jArrays;\n"
                                     "Nd4j.create(new double[][] {{1, 2.5}, {3, 4}})", timeout=120)
    assert reply["status"] == "ok", reply
    html = results(messages, "text/html")[0]
    assert "<caption>INDArray double [2, 2]</caption>" in html and "<td>2.5</td>" in html, html
    assert "data:image/png;base64," in html, "a heatmap beside the table"
    reply, messages, _ = execute(kc, "double[] x = {1, 2, 4, 8, 16};\n"
                                     "double[] y = java.util.Arrays.stream(x).map(v -> 1 + 0.5 * Math.log(v)).toArray();\n"
                                     "var fit = Nd4jArrays.fit(CurveFit.create(), Laws.logLinear(), Nd4j.create(x),"
                                     " Nd4j.create(y));\n"
                                     "String.format(\"b=%.4f\", fit.get(\"b\"))")
    assert results(messages) == ["b=0.5000"], (reply, messages)
    reply, messages, _ = execute(kc, "Nd4jArrays.toTable(Nd4j.create(new double[][] {{1, 10}, {2, 20}}), \"t\","
                                     " \"step\", \"loss\").doubleColumn(\"loss\").sum()")
    assert results(messages) == ["30.0"], (reply, messages)
