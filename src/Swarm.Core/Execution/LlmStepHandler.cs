using System.Text;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace Swarm;

/// <summary>Runs <see cref="StepKind.Llm"/> steps through the host's <see cref="IChatClient"/>, with the role's system prompt, the inputs and any retry feedback.</summary>
internal sealed class LlmStepHandler(IServiceProvider services) : IStepHandler
{
    private IChatClient? _client;

    public StepKind Kind => StepKind.Llm;

    public async ValueTask<StepOutput> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var client = _client ??= services.GetService<IChatClient>()
            ?? throw new InvalidOperationException("No IChatClient is registered: add one (for example AddLlamaCpp(...) or services.AddChatClient(...)) to run LLM steps.");
        var messages = BuildMessages(context);
        var options = new ChatOptions();
        if (context.RoleDefinition is { } role)
        {
            options.ModelId = role.ModelId;
            options.Temperature = role.Temperature;
        }

        var response = await client.GetResponseAsync(messages, options, cancellationToken).ConfigureAwait(false);
        return new StepOutput(response.Text);
    }

    internal static List<ChatMessage> BuildMessages(StepContext context)
    {
        var system = context.RoleDefinition is { SystemPrompt.Length: > 0 } role
            ? role.SystemPrompt
            : $"You are the {context.Role} of an agent swarm. Do the task you are given, precisely and briefly.";
        var user = new StringBuilder(context.Step.Instruction);
        var inputs = context.Inputs;
        if (inputs.Count > 0)
        {
            foreach (var (id, output) in inputs)
            {
                user.AppendLine().AppendLine().Append("## Input from step '").Append(id).AppendLine("'").Append(output);
            }
        }

        if (context.Feedback is { Length: > 0 } feedback)
        {
            user.AppendLine().AppendLine().AppendLine("## Feedback on your previous attempt").Append(feedback);
        }

        return [new ChatMessage(ChatRole.System, system), new ChatMessage(ChatRole.User, user.ToString())];
    }
}
