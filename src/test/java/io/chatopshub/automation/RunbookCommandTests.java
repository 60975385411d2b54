package io.chatopshub.automation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RunbookCommandTests {

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "help", "HELP", " help ", "help Restart-WebApp"})
    void emptyTextOrHelpAsksForHelp(String text) {
        assertThat(RunbookCommand.parse(text).isHelp()).isTrue();
    }

    @Test
    void aNameAloneRunsWithoutParameters() {
        RunbookCommand command = RunbookCommand.parse("Restart-WebApp");

        assertThat(command.isRun()).isTrue();
        assertThat(command.runbook()).isEqualTo("Restart-WebApp");
        assertThat(command.parameters()).isEmpty();
    }

    @Test
    void parametersKeepTheirOrderAndValues() {
        RunbookCommand command = RunbookCommand.parse("  Restart-WebApp   env=prod  count=3 ");

        assertThat(command.runbook()).isEqualTo("Restart-WebApp");
        assertThat(command.parameters()).containsExactly(Map.entry("env", "prod"), Map.entry("count", "3"));
    }

    @Test
    void quotedValuesMayHoldSpacesAndEqualsSigns() {
        RunbookCommand command = RunbookCommand.parse("Notify msg=\"hello world\" other='a = b' empty=\"\" bare=");

        assertThat(command.parameters()).containsExactly(Map.entry("msg", "hello world"),
                Map.entry("other", "a = b"), Map.entry("empty", ""), Map.entry("bare", ""));
    }

    @Test
    void escapedQuotesStayInsideTheValue() {
        RunbookCommand command = RunbookCommand.parse("Notify msg=\"say \\\"hi\\\"\" who='it\\'s me' path=\"C:\\\\temp\"");

        assertThat(command.parameters()).containsExactly(Map.entry("msg", "say \"hi\""),
                Map.entry("who", "it's me"), Map.entry("path", "C:\\temp"));
    }

    @Test
    void backslashesOutsideQuotesAreKeptAsTyped() {
        assertThat(RunbookCommand.parse("Copy from=C:\\logs\\app").parameters())
                .containsEntry("from", "C:\\logs\\app");
    }

    @Test
    void curlyQuotesFromChatClientsWorkLikeStraightOnes() {
        assertThat(RunbookCommand.parse("Notify msg=\u201Chello world\u201D note=\u2018ok then\u2019").parameters())
                .containsExactly(Map.entry("msg", "hello world"), Map.entry("note", "ok then"));
    }

    @Test
    void slackHtmlEscapesAreRestored() {
        assertThat(RunbookCommand.parse("Query filter=\"a &lt; b &amp;&amp; c &gt; d\"").parameters())
                .containsEntry("filter", "a < b && c > d");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "Restart-WebApp env                 | 'env' is not a parameter",
            "Restart-WebApp =prod               | has no parameter name",
            "Restart-WebApp msg=\"hello         | never closed",
            "Restart-WebApp msg='hello          | never closed",
            "Restart-WebApp env=a env=b         | given twice",
            "Restart-WebApp my-key=1            | 'my-key' is not a parameter name",
            "Restart-WebApp \"my key\"=1        | is not a parameter name",
            "env=prod                           | Name the runbook first",
    })
    void malformedTextExplainsWhatIsWrong(String text, String reason) {
        RunbookCommand command = RunbookCommand.parse(text.strip());

        assertThat(command.isInvalid()).isTrue();
        assertThat(command.error()).contains(reason);
        assertThat(command.runbook()).isNull();
    }

    @Test
    void aQuotedEqualsSignIsNotAParameterSeparator() {
        RunbookCommand command = RunbookCommand.parse("Restart-WebApp \"a=b\"");

        assertThat(command.isInvalid()).isTrue();
        assertThat(command.error()).contains("'a=b' is not a parameter");
    }
}
