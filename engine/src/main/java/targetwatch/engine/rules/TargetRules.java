package targetwatch.engine.rules;

import static org.drools.model.DSL.declarationOf;
import static org.drools.model.DSL.globalOf;
import static org.drools.model.DSL.on;
import static org.drools.model.PatternDSL.alphaIndexedBy;
import static org.drools.model.PatternDSL.pattern;
import static org.drools.model.PatternDSL.rule;

import java.util.Map;
import java.util.Objects;

import org.drools.model.Global;
import org.drools.model.Index.ConstraintType;
import org.drools.model.PatternDSL.PatternDef;
import org.drools.model.Rule;
import org.drools.model.Variable;
import org.drools.wiring.api.util.ClassUtils;

import targetwatch.engine.model.Kind;
import targetwatch.engine.model.Target;

/**
 * The shipped target templates ({@code targetwatch/rules/templates/*.drt}) written once more in the executable
 * model's Java DSL, so that a target row becomes its rule without compiling anything: the same patterns, constraints
 * (indexed alike), consequence and rule name as the DRL its template generates. A twin stands in for its template
 * only while the template is the one it was written from ({@link #TEMPLATES}, by checksum): a template changed, or
 * another one given (the reference engine's), is compiled from its DRL as before, and a test fails until the twin
 * follows the template.
 */
final class TargetRules {

    /** The package the templates declare. */
    static final String PACKAGE = "targetwatch.rules";

    /** The SHA-256 of each template (by kind code) a twin below was written from. */
    static final Map<String, String> TEMPLATES = Map.of(
            "reduce-to", "8d46f82139efcc905be41f05d41a6da39cf90932ccae63aae4996b9510afe70e",
            "increase-to", "60e74fcbbccd229c10bac859b739322fb2d5cdb1ff0f7ecf0f1f285d18614ff7",
            "below-comparator", "d61be6debc10f327a383416e4d359c7ad47dec522b24fcff3f0572d347ad32ec",
            "maintain", "304619ca168748f2e37e007011da448b28e0b3c1006131d87483079459c1b6fb",
            "deliver-annually", "180779ab3186abbf7a27242db9eee7e2f874752802cef78e8f2d3b89447b74fc");

    // the property indexes the executable model gives these properties when it compiles the DRL
    private static final int INDICATOR = propertyIndex(PeriodToRate.class, "indicator");
    private static final int AREA = propertyIndex(PeriodToRate.class, "area");
    private static final int ROW = propertyIndex(Target.class, "row");

    /** The templates' global {@code assessments}, through which each twin hands the engine what it rated. */
    static final Global<AssessmentSink> ASSESSMENTS = globalOf(AssessmentSink.class, PACKAGE, AssessmentSink.GLOBAL);

    private TargetRules() {
    }

    /** Whether {@code template} is the text the twin of {@code kind} was written from. */
    static boolean twinOf(Kind kind, String template) {
        return template != null && CompiledUnits.checksum(template).equals(TEMPLATES.get(kind.code()));
    }

    /**
     * The rule the template of the target's kind generates for it.
     *
     * @param name the rule's name as the template generates it
     * @param row the template's values for the target ({@code RuleCompiler.templateRow}), so that both build paths
     *            read the same strings
     */
    static Rule of(Target target, String name, Map<String, Object> row) {
        Variable<PeriodToRate> o = declarationOf(PeriodToRate.class, "$o");
        Variable<Target> t = declarationOf(Target.class, "$t");
        String indicator = (String) row.get("indicator");
        String only = (String) row.get("partnership");
        String except = (String) row.get("except_partnerships");
        int targetRow = (Integer) row.get("row");
        PatternDef<PeriodToRate> period = pattern(o).expr("indicator == " + quoted(indicator),
                p -> Objects.equals(p.getIndicator(), indicator),
                alphaIndexedBy(String.class, ConstraintType.EQUAL, INDICATOR, PeriodToRate::getIndicator, indicator));
        String comparator = (String) row.get("comparator_area");
        if (target.kind() == Kind.BELOW_COMPARATOR) {
            period = period.expr("area != " + quoted(comparator), p -> !Objects.equals(p.getArea(), comparator),
                    alphaIndexedBy(String.class, ConstraintType.NOT_EQUAL, AREA, PeriodToRate::getArea, comparator));
        }
        period = period.expr("appliesTo(" + quoted(only) + ", " + quoted(except) + ")", p -> p.appliesTo(only, except));
        PatternDef<Target> itsTarget = pattern(t).expr("row == " + targetRow, x -> x.row() == targetRow,
                alphaIndexedBy(int.class, ConstraintType.EQUAL, ROW, Target::row, targetRow));
        Global<AssessmentSink> g = ASSESSMENTS;
        return rule(PACKAGE, name).build(period, itsTarget, switch (target.kind()) {
            case REDUCE_TO -> on(o, t, g).execute(($o, $t, $g) -> $g.add(Ratings.reduceTo($t, $o)));
            case INCREASE_TO -> on(o, t, g).execute(($o, $t, $g) -> $g.add(Ratings.increaseTo($t, $o)));
            case BELOW_COMPARATOR -> on(o, t, g).execute(($o, $t, $g) ->
                    $g.add(Ratings.comparator($t, $o, $o.valueIn(comparator))));
            case MAINTAIN -> on(o, t, g).execute(($o, $t, $g) -> $g.add(Ratings.maintained($t, $o)));
            case DELIVER_ANNUALLY -> on(o, t, g).execute(($o, $t, $g) ->
                    $g.add(Ratings.annualDelivery($t, $o, $o.financialYearToDate())));
        });
    }

    private static String quoted(String s) {
        return '"' + s + '"';
    }

    private static int propertyIndex(Class<?> type, String property) {
        int i = ClassUtils.getAccessibleProperties(type).indexOf(property);
        if (i < 0 && type.isRecord()) {
            // a record's accessors are not bean properties: its components are numbered in declaration order
            i = java.util.Arrays.stream(type.getRecordComponents()).map(java.lang.reflect.RecordComponent::getName)
                    .toList().indexOf(property);
        }
        if (i < 0) {
            throw new IllegalStateException(type.getSimpleName() + " has no property " + property);
        }
        return i;
    }
}
