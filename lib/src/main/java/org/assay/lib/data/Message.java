package org.assay.lib.data;

/** One turn of a conversation, as chat templates and Tinker's renderers take it: a role and its text. */
public record Message(String role, String content) {
    public static final String SYSTEM = "system";
    public static final String USER = "user";
    public static final String ASSISTANT = "assistant";

    public Message {
        if (role == null || role.isBlank() || !role.equals(role.strip()) || role.contains("\n")) {
            throw new IllegalArgumentException("Message: role must be a non-empty word such as 'user', got "
                    + (role == null ? "null" : "'" + role + "'"));
        }
        if (content == null) {
            throw new IllegalArgumentException("Message: content must not be null (role '" + role + "')");
        }
    }

    public static Message system(String content) {
        return new Message(SYSTEM, content);
    }

    public static Message user(String content) {
        return new Message(USER, content);
    }

    public static Message assistant(String content) {
        return new Message(ASSISTANT, content);
    }

    public boolean isAssistant() {
        return role.equals(ASSISTANT);
    }
}
