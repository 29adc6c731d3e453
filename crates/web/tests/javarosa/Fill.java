// Fills a Tabara form with JavaRosa, the XForms engine ODK Collect runs (the copy inside ODK
// Validate's jar, which pyxform ships): the engine walks the form as a phone shows it, each
// question reached is answered from the answers file (name TAB value, by the question's last
// path segment) or left empty, the skips are the engine's own, the required questions and the
// constraints are checked as on finalising, and the completed instance is written as Collect
// would send it. Prints the names of the questions the engine asked, one per line.
//
// Usage: java -cp ODK_Validate.jar:. Fill form.xml answers.tsv out.xml

import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.javarosa.core.model.Constants;
import org.javarosa.core.model.FormDef;
import org.javarosa.core.model.ValidateOutcome;
import org.javarosa.core.model.data.DateData;
import org.javarosa.core.model.data.IAnswerData;
import org.javarosa.core.model.data.IntegerData;
import org.javarosa.core.model.data.SelectMultiData;
import org.javarosa.core.model.data.SelectOneData;
import org.javarosa.core.model.data.StringData;
import org.javarosa.core.model.data.helper.Selection;
import org.javarosa.core.model.instance.InstanceInitializationFactory;
import org.javarosa.form.api.FormEntryController;
import org.javarosa.form.api.FormEntryModel;
import org.javarosa.form.api.FormEntryPrompt;
import org.javarosa.model.xform.XFormSerializingVisitor;
import org.javarosa.xform.util.XFormUtils;

public class Fill {
    public static void main(String[] args) throws Exception {
        FormDef form = XFormUtils.getFormFromInputStream(new FileInputStream(args[0]));
        Map<String, String> answers = new HashMap<>();
        for (String line : Files.readAllLines(Paths.get(args[1]), StandardCharsets.UTF_8)) {
            int tab = line.indexOf('\t');
            if (tab > 0) {
                answers.put(line.substring(0, tab), line.substring(tab + 1));
            }
        }
        FormEntryModel model = new FormEntryModel(form);
        FormEntryController entry = new FormEntryController(model);
        form.initialize(true, new InstanceInitializationFactory());
        List<String> asked = new ArrayList<>();
        int event;
        while ((event = entry.stepToNextEvent()) != FormEntryController.EVENT_END_OF_FORM) {
            if (event != FormEntryController.EVENT_QUESTION) {
                continue;
            }
            FormEntryPrompt prompt = model.getQuestionPrompt();
            String name = prompt.getIndex().getReference().getNameLast();
            asked.add(name);
            String value = answers.get(name);
            if (value == null) {
                continue;
            }
            IAnswerData data;
            switch (prompt.getDataType()) {
                case Constants.DATATYPE_INTEGER:
                    data = new IntegerData(Integer.parseInt(value));
                    break;
                case Constants.DATATYPE_DATE:
                    data = new DateData(java.sql.Date.valueOf(value));
                    break;
                case Constants.DATATYPE_CHOICE:
                    data = new SelectOneData(new Selection(value));
                    break;
                case Constants.DATATYPE_CHOICE_LIST: {
                    List<Selection> chosen = new ArrayList<>();
                    for (String v : value.split(" ")) {
                        chosen.add(new Selection(v));
                    }
                    data = new SelectMultiData(chosen);
                    break;
                }
                default:
                    data = new StringData(value);
            }
            int status = entry.answerQuestion(data, true);
            if (status != FormEntryController.ANSWER_OK) {
                System.err.println("answer refused for " + name + ": status " + status);
                System.exit(3);
            }
        }
        ValidateOutcome outcome = form.validate(true);
        if (outcome != null) {
            System.err.println("not finalisable at "
                + outcome.failedPrompt.getReference() + ": outcome " + outcome.outcome);
            System.exit(2);
        }
        form.postProcessInstance();
        byte[] xml = new XFormSerializingVisitor().serializeInstance(form.getInstance());
        Files.write(Paths.get(args[2]), xml);
        for (String name : asked) {
            System.out.println(name);
        }
    }
}
