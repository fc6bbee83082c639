"""What ``shoplake sql`` lets through without ``--write``: read queries of the lake's tables.

A statement is parsed with the session's own parser (Spark's, extended by Iceberg) before
anything runs, because Spark executes commands eagerly: a DROP, INSERT, MERGE, DELETE,
ALTER, CALL, CREATE or SET is refused before Spark sees it as a query. What remains is
analysed (which reads catalog metadata, never data) and must read only catalog tables or
literal rows: no path-based ``parquet.`/x``` tables and no Java reflection.
"""
from __future__ import annotations

from spark_jobs.errors import ShoplakeError

LOGICAL = "org.apache.spark.sql.catalyst.plans.logical"
# Plans that change something: every Spark and Iceberg command, plus the parsed-only
# statements (INSERT INTO, Iceberg's CALL) that become commands during analysis.
WRITING_PLANS = (f"{LOGICAL}.Command", f"{LOGICAL}.ParsedStatement")
# Commands that only describe the catalog; they run eagerly but change nothing.
DESCRIBING_COMMANDS = frozenset({
    "ShowTables", "ShowNamespaces", "ShowViews", "ShowColumns", "ShowTableProperties", "ShowCreateTable",
    "DescribeRelation", "DescribeColumn", "DescribeNamespace",
})
# What an analysed read query may read from: catalog tables (and their metadata tables),
# rows written in the query itself, range().
READABLE_LEAVES = frozenset({"DataSourceV2Relation", "LocalRelation", "OneRowRelation", "Range", "CTERelationRef"})
# reflect()/java_method() call any static Java method from SQL.
REFUSED_EXPRESSIONS = frozenset({"CallMethodViaReflection"})


def _items(seq) -> list:
    """A Scala Seq as a Python list."""
    return [seq.apply(i) for i in range(seq.size())]


def _children(node) -> list:
    return _items(node.children())


def _name(node) -> str:
    return node.getClass().getSimpleName()


def _walk(node):
    yield node
    for child in _children(node):
        yield from _walk(child)


def _expressions(plan):
    for expression in _items(plan.expressions()):
        yield from _walk(expression)


def parse(spark, statement: str):
    """The unresolved plan of one statement; a syntax error is one ShoplakeError line."""
    from pyspark.errors import ParseException

    try:
        return spark._jsparkSession.sessionState().sqlParser().parsePlan(statement)
    except ParseException as error:
        lines = str(error).strip().splitlines()
        raise ShoplakeError(lines[0] if lines else "the statement does not parse") from None


def is_describing(plan) -> bool:
    """SHOW / DESCRIBE of catalog objects."""
    return _name(plan) in DESCRIBING_COMMANDS


def check_statement(spark, plan) -> None:
    """Refuse a parsed statement that writes or configures anything, naming it."""
    if is_describing(plan):
        return
    writing = [spark._jvm.java.lang.Class.forName(name) for name in WRITING_PLANS]
    for node in _walk(plan):
        if any(kind.isInstance(node) for kind in writing):
            raise ShoplakeError(f"refused: {_name(node)} is not a read query; `shoplake sql` only reads "
                                "(use --write for maintenance statements)")


def check_query(spark, analyzed) -> None:
    """Refuse an analysed query that reads anything but the lake's tables or calls Java,
    in its subqueries too."""
    subquery = spark._jvm.java.lang.Class.forName("org.apache.spark.sql.catalyst.expressions.SubqueryExpression")
    for node in _walk(analyzed):
        if not _children(node) and _name(node) not in READABLE_LEAVES:
            raise ShoplakeError(f"refused: the query reads {_name(node)}, not a lake table; "
                                "`shoplake sql` reads only catalog tables")
        for expression in _expressions(node):
            if _name(expression) in REFUSED_EXPRESSIONS:
                raise ShoplakeError("refused: reflect()/java_method() call Java code; `shoplake sql` only reads")
            if subquery.isInstance(expression):
                check_query(spark, expression.plan())


def read_frame(spark, statement: str):
    """The frame of ``statement`` if it only reads; a ShoplakeError naming what it does otherwise."""
    plan = parse(spark, statement)
    check_statement(spark, plan)
    frame = spark.sql(statement)    # lazy: a read query is analysed here, not run
    if not is_describing(plan):
        check_query(spark, frame._jdf.queryExecution().analyzed())
    return frame
