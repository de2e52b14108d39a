package org.assay.kernel.jupyter;

import java.util.List;
import org.dflib.jjava.jupyter.kernel.HelpLink;
import org.dflib.jjava.jupyter.kernel.LanguageInfo;
import org.dflib.jjava.jupyter.messages.reply.KernelInfoReply;

/** jjava's kernel_info_reply plus the {@code status} field that protocol 5.x clients read. */
final class AssayKernelInfoReply extends KernelInfoReply {
    @SuppressWarnings("unused") // serialised by Gson
    private final String status = "ok";

    AssayKernelInfoReply(String protocolVersion, String name, String version, LanguageInfo languageInfo, String banner,
                         List<HelpLink> helpLinks) {
        super(protocolVersion, name, version, languageInfo, banner, helpLinks);
    }
}
