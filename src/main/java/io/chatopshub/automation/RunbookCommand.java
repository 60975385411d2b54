package io.chatopshub.automation;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a person asked for with {@code /runbook <name> [key=value …]}.
 *
 * <p>Values may be quoted with {@code "…"} or {@code '…'} (also the curly quotes chat clients
 * like to substitute), and a backslash inside quotes escapes the quote or a backslash. Outside
 * quotes a backslash is an ordinary character, so Windows paths survive. Slack sends slash
 * command text with {@code &}, {@code <} and {@code >} HTML-escaped; they are restored first.
 *
 * @param kind help, run, or invalid
 * @param runbook the runbook name as typed (run only)
 * @param parameters parameters in the order given (run only)
 * @param error why the text could not be understood (invalid only)
 */
public record RunbookCommand(Kind kind, String runbook, Map<String, String> parameters, String error) {

    public enum Kind { HELP, RUN, INVALID }

    private static final Pattern PARAMETER_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public RunbookCommand {
        parameters = parameters == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
    }

    public static RunbookCommand help() {
        return new RunbookCommand(Kind.HELP, null, Map.of(), null);
    }

    public static RunbookCommand run(String runbook, Map<String, String> parameters) {
        return new RunbookCommand(Kind.RUN, runbook, parameters, null);
    }

    public static RunbookCommand invalid(String error) {
        return new RunbookCommand(Kind.INVALID, null, Map.of(), error);
    }

    public boolean isHelp() {
        return kind == Kind.HELP;
    }

    public boolean isRun() {
        return kind == Kind.RUN;
    }

    public boolean isInvalid() {
        return kind == Kind.INVALID;
    }

    static boolean isValidParameterName(String name) {
        return PARAMETER_NAME.matcher(name).matches();
    }

    /** Reads the text Slack sends after {@code /runbook}. Never throws. */
    public static RunbookCommand parse(String text) {
        String input = text == null ? "" : unescapeSlack(text).strip();
        if (input.isEmpty()) {
            return help();
        }
        List<Token> tokens = new ArrayList<>();
        String failure = tokenize(input, tokens);
        if (failure != null) {
            return invalid(failure);
        }
        Token first = tokens.get(0);
        if (first.equalsAt >= 0) {
            return invalid("Name the runbook first: /runbook <name> key=value …");
        }
        if (first.text.equalsIgnoreCase("help")) {
            return help();
        }
        if (first.quoted && first.text.isBlank()) {
            return invalid("The runbook name is empty.");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (Token token : tokens.subList(1, tokens.size())) {
            if (token.equalsAt < 0) {
                return invalid("'" + token.text + "' is not a parameter: write key=value, and quote values "
                        + "with spaces, e.g. message=\"hello world\".");
            }
            String key = token.text.substring(0, token.equalsAt);
            String value = token.text.substring(token.equalsAt + 1);
            if (key.isEmpty()) {
                return invalid("'" + token.text + "' has no parameter name before '='.");
            }
            if (token.quotedKey || !isValidParameterName(key)) {
                return invalid("'" + key + "' is not a parameter name: use letters, digits and _ only.");
            }
            if (parameters.containsKey(key)) {
                return invalid("Parameter '" + key + "' is given twice.");
            }
            parameters.put(key, value);
        }
        return run(first.text, parameters);
    }

    /**
     * Splits on whitespace outside quotes. {@code equalsAt} is the position of the first '='
     * that was not inside quotes, which is what separates key from value.
     */
    private static String tokenize(String input, List<Token> tokens) {
        StringBuilder current = new StringBuilder();
        boolean inToken = false;
        boolean quoted = false;
        boolean quotedKey = false;
        int equalsAt = -1;
        int i = 0;
        while (i < input.length()) {
            char c = input.charAt(i);
            if (Character.isWhitespace(c)) {
                if (inToken) {
                    tokens.add(new Token(current.toString(), equalsAt, quoted, quotedKey));
                    current.setLength(0);
                    inToken = false;
                    quoted = false;
                    quotedKey = false;
                    equalsAt = -1;
                }
                i++;
                continue;
            }
            inToken = true;
            char close = closingQuote(c);
            if (close != 0) {
                quoted = true;
                if (equalsAt < 0) {
                    quotedKey = true;
                }
                int j = i + 1;
                boolean closed = false;
                while (j < input.length()) {
                    char q = input.charAt(j);
                    if (q == '\\' && j + 1 < input.length()
                            && (input.charAt(j + 1) == close || input.charAt(j + 1) == c || input.charAt(j + 1) == '\\')) {
                        current.append(input.charAt(j + 1));
                        j += 2;
                        continue;
                    }
                    if (q == close) {
                        closed = true;
                        break;
                    }
                    current.append(q);
                    j++;
                }
                if (!closed) {
                    return "A quote " + c + " is never closed; close it with " + close + ".";
                }
                i = j + 1;
                continue;
            }
            if (c == '=' && equalsAt < 0) {
                equalsAt = current.length();
            }
            current.append(c);
            i++;
        }
        if (inToken) {
            tokens.add(new Token(current.toString(), equalsAt, quoted, quotedKey));
        }
        return null;
    }

    private static char closingQuote(char c) {
        return switch (c) {
            case '"' -> '"';
            case '\'' -> '\'';
            case '\u201C' -> '\u201D';
            case '\u2018' -> '\u2019';
            default -> 0;
        };
    }

    private static String unescapeSlack(String text) {
        return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private record Token(String text, int equalsAt, boolean quoted, boolean quotedKey) {
    }
}
